"""The store: Peewee models, the database binding, and the operations that write the books."""
