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


def _limit(name: str, default: int, overrides: dict) -> int:
    """A per-minute limit from the environment; tests turn it off unless they set it."""
    if name in os.environ:
        return int(os.environ[name])
    return 0 if overrides.get("TESTING") else default


def load_config(app: Flask, overrides: dict) -> None:
    env = os.environ
    # Behind TLS (a proxy ending HTTPS, or SAJJA_SECURE_COOKIES=1) cookies travel only on HTTPS.
    secure = env.get("SAJJA_SECURE_COOKIES") == "1" or env.get("PREFERRED_URL_SCHEME") == "https"
    app.config.update(
        DATABASE_URL=env.get("DATABASE_URL")
        or "sqlite:///" + os.path.join(app.instance_path, "sajja.db"),
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),  # a week offline and more
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PREFERRED_URL_SCHEME="https" if secure else "http",
        # The sync API, per minute: pushes per device and per user, pulls per user. A treasurer
        # syncing by hand never comes near; a runaway device does. 0 is no limit.
        SYNC_PUSHES_PER_DEVICE=_limit("SAJJA_SYNC_PUSHES_PER_DEVICE", 60, overrides),
        SYNC_PUSHES_PER_USER=_limit("SAJJA_SYNC_PUSHES_PER_USER", 180, overrides),
        SYNC_PULLS_PER_USER=_limit("SAJJA_SYNC_PULLS_PER_USER", 180, overrides),
        WTF_CSRF_TIME_LIMIT=None,  # a form filled offline must still post days later
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        BABEL_DEFAULT_LOCALE=env.get("SAJJA_LANGUAGE", "th"),
        BABEL_DEFAULT_TIMEZONE="Asia/Bangkok",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Web Push (webapp/push/keys.py): without a key here one is made in the instance folder.
        VAPID_PRIVATE_KEY=env.get("VAPID_PRIVATE_KEY"),
        VAPID_PUBLIC_KEY=env.get("VAPID_PUBLIC_KEY"),
        VAPID_SUBJECT=env.get("VAPID_SUBJECT", "mailto:admin@localhost"),
        PUSH_TIMEOUT=float(env.get("SAJJA_PUSH_TIMEOUT", "10")),  # seconds per push
    )
    app.config["SECRET_KEY"] = env.get("SECRET_KEY") or overrides.get("SECRET_KEY") \
        or _instance_secret(app, "secret_key")
    app.config.update(overrides)
