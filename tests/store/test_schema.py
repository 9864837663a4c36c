"""The migrations and the models describe the same schema, on SQLite and PostgreSQL alike.

A model change without its migration (or a migration that drifts from the model) fails here
before it fails on a treasurer's phone.
"""

from peewee import ForeignKeyField
from playhouse.schema_diff import diff_models

from core.store import schema
from core.store.db import database
from core.store.models import ALL_MODELS


def test_migrated_database_matches_the_models(db):
    diff = diff_models(database.obj, ALL_MODELS)
    assert not diff, f"migrations and models disagree:\n{diff}"


def test_migrated_columns_have_the_models_nullability(db):
    # diff_models compares column names and indexes only; NULL-ness matters as much.
    wrong = []
    for model in ALL_MODELS:
        columns = {c.name: c for c in database.get_columns(model._meta.table_name)}
        for field in model._meta.sorted_fields:
            column = columns.get(field.column_name)
            if column is None:
                continue  # reported by the diff test
            if field.primary_key:
                continue
            if column.null != field.null:
                wrong.append(f"{model._meta.table_name}.{field.column_name}: "
                             f"database null={column.null}, model null={field.null}")
    assert wrong == []


def test_migrated_foreign_keys_point_where_the_models_do(db):
    wrong = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        in_db = {(fk.column, fk.dest_table) for fk in database.get_foreign_keys(table)}
        in_model = {(f.column_name, f.rel_model._meta.table_name)
                    for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)}
        if in_db != in_model:
            wrong.append((table, sorted(in_db ^ in_model)))
    assert wrong == []


def test_migrating_again_applies_nothing(db):
    database.close()  # migrate() opens its own connection context
    assert schema.migrate() == []
    assert schema.pending() == []
    database.connect(reuse_if_open=True)
    assert not diff_models(database.obj, ALL_MODELS)
