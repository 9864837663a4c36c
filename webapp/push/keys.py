"""The installation's VAPID key pair: from the environment, or made once in the instance folder.

VAPID_PRIVATE_KEY holds the private key as base64url (the raw 32 bytes, or DER) or PEM;
VAPID_PUBLIC_KEY, when given too, must be its public half. Without them the key is made on
first use and kept in `<instance>/vapid_private.pem` (mode 0600): every browser subscribed with
the public key, so the key must never change while subscriptions exist.
"""

import os
import tempfile

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from py_vapid import Vapid

from core.webpush import b64url_encode

KEY_FILE = "vapid_private.pem"


def _from_environment(private: str) -> Vapid:
    if "-----BEGIN" in private:
        return Vapid.from_pem(private.encode())
    return Vapid.from_string(private.strip())


def _from_instance(app: Flask) -> Vapid:
    path = os.path.join(app.instance_path, KEY_FILE)
    if not os.path.exists(path):
        fresh = Vapid()
        fresh.generate_keys()
        # Written aside, then linked into place: a second process starting at the same moment
        # either links first or reads the whole file of the one that did.
        fd, temporary = tempfile.mkstemp(dir=app.instance_path, prefix=".vapid-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(fresh.private_pem())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    with open(path, "rb") as handle:
        return Vapid.from_pem(handle.read())


def public_key_of(vapid: Vapid) -> str:
    """The browser's applicationServerKey: the uncompressed public point, base64url."""
    return b64url_encode(vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def vapid_of(app: Flask | None = None) -> Vapid:
    app = app or current_app
    cached = app.extensions.get("sajja_vapid")
    if cached is not None:
        return cached
    private = app.config.get("VAPID_PRIVATE_KEY")
    vapid = _from_environment(private) if private else _from_instance(app)
    expected = app.config.get("VAPID_PUBLIC_KEY")
    if expected and expected.strip().rstrip("=") != public_key_of(vapid):
        raise RuntimeError("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY")
    app.extensions["sajja_vapid"] = vapid
    return vapid
