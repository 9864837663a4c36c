"""Configuration from the instance folder and the environment; no secret lives in the source."""

import os
import secrets
from datetime import timedelta

from flask import Flask


def _instance_secret(app: Flask, name: str) -> str:
    """A random secret made once per installation and kept in the instance folder."""
    path = os.path.join(app.instance_path, name)
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip()


def load_config(app: Flask, overrides: dict) -> None:
    env = os.environ
    app.config.update(
        DATABASE_URL=env.get("DATABASE_URL")
        or "sqlite:///" + os.path.join(app.instance_path, "sajja.db"),
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),  # a week offline and more
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=env.get("SAJJA_SECURE_COOKIES") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a form filled offline must still post days later
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        BABEL_DEFAULT_LOCALE=env.get("SAJJA_LANGUAGE", "th"),
        BABEL_DEFAULT_TIMEZONE="Asia/Bangkok",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.config["SECRET_KEY"] = env.get("SECRET_KEY") or overrides.get("SECRET_KEY") \
        or _instance_secret(app, "secret_key")
    app.config.update(overrides)
