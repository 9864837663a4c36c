"""Web Push rules over plain values: what a browser's PushSubscription must look like, a Topic
header a push service accepts, which phone a subscription is, and when to try a failed push
again. The sending itself is core/store/notice_sender.py.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from core.errors import Problem, invalid

MAX_ENDPOINT = 1000
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # plain http only here: a test's push service
P256_POINT_BYTES = 65  # an uncompressed point: 0x04, then x and y of 32 bytes each
AUTH_BYTES = 16
TOPIC_CHARS = 24  # RFC 8030: at most 32 characters of the URL-safe base64 alphabet

# A failed push is tried again after 1 min, 2, 4 ... at most 6 h apart; after this many
# attempts the notice is given up (it stays in the person's in-app list).
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 10

_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")

NOT_A_SUBSCRIPTION = invalid("ข้อมูลการสมัครรับการแจ้งเตือนไม่ถูกต้อง",
                             "This is not a push subscription", "subscription")
BAD_ENDPOINT = invalid("ที่อยู่สำหรับส่งการแจ้งเตือนไม่ถูกต้อง (ต้องเป็น https)",
                       "The push endpoint must be an https address", "endpoint")
BAD_P256DH = invalid("กุญแจของอุปกรณ์ (p256dh) ไม่ถูกต้อง",
                     "The device key (p256dh) is not a P-256 public key", "keys.p256dh")
BAD_AUTH = invalid("รหัสยืนยันของอุปกรณ์ (auth) ไม่ถูกต้อง",
                   "The device secret (auth) must be 16 bytes", "keys.auth")
NO_ENDPOINT = invalid("ต้องระบุที่อยู่สำหรับส่งการแจ้งเตือน",
                      "The endpoint of the subscription is missing", "endpoint")


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str  # base64url, as the browser gave it
    auth: str

    def as_info(self) -> dict:
        """The shape pywebpush takes (the same as PushSubscription.toJSON())."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def b64url_decode(text) -> bytes | None:
    """Bytes of a base64url string (padding optional), or None when it is not one."""
    if not isinstance(text, str) or not _B64URL.match(text):
        return None
    bare = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    except (binascii.Error, ValueError):
        return None


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def parse_endpoint(value) -> str | Problem:
    if not isinstance(value, str) or not value:
        return NO_ENDPOINT
    if len(value) > MAX_ENDPOINT or any(ch.isspace() for ch in value):
        return BAD_ENDPOINT
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return BAD_ENDPOINT
    if not host or parts.username or parts.password:
        return BAD_ENDPOINT
    if parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK):
        return value
    return BAD_ENDPOINT


def parse_subscription(body) -> Subscription | Problem:
    """The browser's `PushSubscription.toJSON()`: {endpoint, keys: {p256dh, auth}}."""
    if not isinstance(body, dict):
        return NOT_A_SUBSCRIPTION
    endpoint = parse_endpoint(body.get("endpoint"))
    if isinstance(endpoint, Problem):
        return endpoint
    keys = body.get("keys")
    if not isinstance(keys, dict):
        return NOT_A_SUBSCRIPTION
    point = b64url_decode(keys.get("p256dh"))
    if point is None or len(point) != P256_POINT_BYTES or point[0] != 4:
        return BAD_P256DH
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return BAD_P256DH  # 65 bytes, but not a point on the curve
    secret = b64url_decode(keys.get("auth"))
    if secret is None or len(secret) != AUTH_BYTES:
        return BAD_AUTH
    return Subscription(endpoint, b64url_encode(point), b64url_encode(secret))


def topic_header(topic: str | None) -> str | None:
    """A push service keeps only the newest waiting message of one Topic; a notice's topic may
    hold any characters, so the header is a short hash of it in the allowed alphabet."""
    if not topic:
        return None
    return b64url_encode(hashlib.sha256(topic.encode("utf-8")).digest())[:TOPIC_CHARS]


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try (1, 2, 3...)."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Macintosh", "Mac"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))
_BROWSERS = (("SamsungBrowser", "Samsung Internet"), ("Line/", "LINE"), ("EdgA", "Edge"),
             ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox", "Firefox"), ("FxiOS", "Firefox"),
             ("CriOS", "Chrome"), ("Chrome", "Chrome"), ("Safari", "Safari"))


def device_label(user_agent: str | None) -> str:
    """"Chrome on Android": enough for a person to tell their phones apart."""
    agent = user_agent or ""
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    if system and browser:
        return f"{browser} · {system}"
    return browser or system or "?"
