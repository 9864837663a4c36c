"""Fixtures of the hardening tests: cheap password hashes, a signed-in client per role, and a
fingerprint of everything a refused request must leave as it was."""

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings

from core.store import users
from core.store.db import database
from core.store.models import ALL_MODELS, LoginAttempt, RateLimitHit
from tests.conftest import BACKEND, World, csrf_token, scratch_postgres, sign_in
from tests.hardening.office import Office

# Fixed budgets and derandomized runs: every CI run tries the same cases, so a failure
# reproduces. The budgets of the modules add up to 2,000 and more per run.
FUZZ = dict(derandomize=True, deadline=None, database=None, print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.function_scoped_fixture])
NOT_COUNTED = (LoginAttempt, RateLimitHit)  # a refused sign-in is counted, by design


def skipped(name: str) -> bool:
    """SAJJA_FUZZ_SKIP=yearend,year. leaves out endpoints or op types starting with these
    while a failure there is being looked into; unset in CI."""
    import os

    prefixes = tuple(p for p in os.environ.get("SAJJA_FUZZ_SKIP", "").split(",") if p)
    return bool(prefixes) and name.startswith(prefixes)


def fuzz(examples: int):
    return settings(max_examples=examples, **FUZZ)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))


def fingerprint() -> tuple:
    """Row counts of every table, the cached balances' sums, the members' versions and the
    users' session versions: what a refused request may not move. One query, one round trip:
    the fuzz tests take it twice per case."""
    database.connect(reuse_if_open=True)
    parts = [f'(SELECT count(*) FROM "{model._meta.table_name}")' for model in ALL_MODELS
             if model not in NOT_COUNTED]
    parts += ['(SELECT sum(balance) FROM "account")', '(SELECT sum(abs(balance)) FROM "account")',
              '(SELECT sum(version) FROM "member")', '(SELECT sum(session_version) FROM "user")']
    return tuple(database.execute_sql("SELECT " + ", ".join(parts)).fetchone())


def signed_in(app, role: str):
    """A client of `role`, and the CSRF token its pages carry."""
    client = app.test_client()
    sign_in(client, role, World.MEMBER_PIN if role == "member" else World.PASSWORD)
    return client, csrf_token(client, "/account/password")


@pytest.fixture
def office_db(tmp_path):
    """An empty database of the test's own, as an office server would have."""
    if BACKEND == "postgresql":
        with scratch_postgres("sajja_office") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'office.db'}"


@pytest.fixture
def office(office_db, tmp_path):
    """The demo office on that database, its server not started yet (see office.py)."""
    opened = Office.open(office_db, tmp_path)
    try:
        yield opened
    finally:
        opened.close()
