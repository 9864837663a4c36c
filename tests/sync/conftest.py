"""Fixtures of the sync tests (the helpers are in phones.py)."""

import pytest
from argon2 import PasswordHasher

from core.store import users
from tests.sync.phones import Phone


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    # The world makes six accounts; these tests are about sync, not about argon2's cost.
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))


@pytest.fixture
def phone(app, world):
    """The treasurer's phone."""
    return Phone(app, "treasurer", "phone-treasurer")
