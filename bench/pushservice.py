"""A real Web Push service on 127.0.0.1, for the tests and the push benchmark.

It does what a browser vendor's push service does with a message, and checks it the way the
browser would: the `Authorization: vapid t=…,k=…` JWT (ES256 with the key k, `aud` the
endpoint's origin, `exp` within 24 hours) and the aes128gcm body, decrypted with the test
subscriber's own P-256 key and 16-byte auth secret. Each endpoint can be told to answer 201,
404, 410, 500, or to hang (the sender's timeout then fires).

    with PushService() as service:
        phone = service.add("phone-1")
        ... send to phone.subscription_info() ...
        service.messages("phone-1")  # the decrypted JSON messages

Only tests and benchmarks import this; the app never does.
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_EXPIRY = 24 * 3600  # RFC 8292: a push service refuses a token valid for longer
HANG = "hang"


class VapidRejected(ValueError):
    """The Authorization header would be refused by a real push service."""


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def verify_vapid(authorization: str | None, origin: str, now: float | None = None) -> dict:
    """The claims of a valid `vapid t=…,k=…` header for a push to `origin`; else VapidRejected."""
    now = time.time() if now is None else now
    if not authorization or not authorization.lower().startswith("vapid "):
        raise VapidRejected("no vapid authorization")
    parts = dict(item.strip().split("=", 1) for item in authorization[6:].split(",")
                 if "=" in item)
    if "t" not in parts or "k" not in parts:
        raise VapidRejected("vapid authorization needs t= and k=")
    try:
        head, body, signature = parts["t"].split(".")
        header = json.loads(_b64url(head))
        claims = json.loads(_b64url(body))
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url(parts["k"]))
        raw = _b64url(signature)
    except (ValueError, TypeError) as error:
        raise VapidRejected(f"malformed token: {error}") from error
    if header.get("alg") != "ES256" or len(raw) != 64:
        raise VapidRejected("the token is not ES256")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, f"{head}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise VapidRejected("bad signature") from error
    if claims.get("aud") != origin:
        raise VapidRejected(f"aud {claims.get('aud')!r} is not {origin!r}")
    expiry = claims.get("exp")
    if not isinstance(expiry, int) or not now < expiry <= now + MAX_EXPIRY:
        raise VapidRejected(f"exp {expiry!r} is not within 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidRejected("sub must be a mailto: or https: contact")
    return claims


class Subscriber:
    """A browser's side of one subscription: its own key pair and auth secret."""

    def __init__(self, name: str, endpoint: str):
        self.name = name
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return _b64url_text(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return _b64url_text(self.auth_secret)

    def subscription_info(self) -> dict:
        """What the browser's PushSubscription.toJSON() gives."""
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key,
                                auth_secret=self.auth_secret, version="aes128gcm")


@dataclass
class Received:
    """One push as the service got it."""

    name: str
    headers: dict  # names in lower case
    answered: int | str
    claims: dict | None = None
    plaintext: bytes | None = None
    error: str | None = None
    body: bytes = field(default=b"", repr=False)

    @property
    def message(self) -> dict | None:
        return json.loads(self.plaintext) if self.plaintext is not None else None


class PushService:
    def __init__(self, *, check: bool = True, hang_seconds: float = 30.0,
                 accept_any: bool = False):
        """`check=False` skips verifying and decrypting (the benchmark's sender-only figure);
        `accept_any` answers 201 to endpoints it was not told of (a service in another
        process, whose subscribers the caller made)."""
        self.check = check
        self.accept_any = accept_any
        self.hang_seconds = hang_seconds
        self.subscribers: dict[str, Subscriber] = {}
        self.answers: dict[str, int | str] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "PushService":
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name="push-service")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=10)

    def __enter__(self) -> "PushService":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def add(self, name: str, answer: int | str = 201) -> Subscriber:
        subscriber = Subscriber(name, f"{self.origin}/push/{name}")
        self.subscribers[name] = subscriber
        self.answers[name] = answer
        return subscriber

    def answer(self, name: str, what: int | str) -> None:
        """From now on, answer pushes to this endpoint with `what` (a status, or HANG)."""
        self.answers[name] = what

    def pushes(self, name: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.received if name is None or r.name == name]

    def messages(self, name: str) -> list[dict]:
        """The decrypted messages this endpoint accepted (answered 201)."""
        return [r.message for r in self.pushes(name) if r.answered == 201 and r.message]

    def _receive(self, name: str, headers: dict, body: bytes) -> Received:
        answer = self.answers.get(name, 201 if self.accept_any else 404)
        got = Received(name, headers, answer, body=body)
        subscriber = self.subscribers.get(name)
        if self.check and subscriber is not None:
            try:
                got.claims = verify_vapid(headers.get("authorization"), self.origin)
                if headers.get("content-encoding") != "aes128gcm":
                    raise VapidRejected("the body is not aes128gcm")
                got.plaintext = subscriber.decrypt(body)
            except Exception as error:  # noqa: BLE001 - a real service answers 4xx to all of it
                got.error = f"{type(error).__name__}: {error}"
                got.answered = 400 if not isinstance(error, VapidRejected) else 403
        with self._lock:
            self.received.append(got)
        return got

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real push service

            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path = urlsplit(self.path).path
                name = path.removeprefix("/push/") if path.startswith("/push/") else ""
                headers = {key.lower(): value for key, value in self.headers.items()}
                got = service._receive(name, headers, body)
                if got.answered == HANG:
                    service._release.wait(service.hang_seconds)
                    self.close_connection = True
                    return
                try:
                    self.send_response(got.answered)
                    self.send_header("Content-Length", "0")
                    if got.answered == 201:
                        self.send_header("Location", f"{service.origin}/message/{len(body)}")
                    self.end_headers()
                except OSError:
                    pass

            def do_GET(self):  # noqa: N802 - /stats: how many pushes arrived, for a parent
                body = json.dumps({"received": len(service.received)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


def _serve(connection) -> None:
    with PushService(check=False, accept_any=True) as service:
        connection.send(service.origin)
        connection.recv()  # until the parent says stop


class ServiceProcess:
    """A push service in a process of its own, accepting every push unchecked: a sender timed
    against it does not share this process's interpreter lock with the service, as a real
    one would not. Subscribers are made here (`add`); the service only counts what arrives."""

    def __enter__(self) -> "ServiceProcess":
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.origin = self._pipe.recv()
        return self

    def __exit__(self, *exc) -> None:
        self._pipe.send("stop")
        self._process.join(timeout=10)

    def add(self, name: str) -> Subscriber:
        return Subscriber(name, f"{self.origin}/push/{name}")

    def received(self) -> int:
        import urllib.request

        with urllib.request.urlopen(f"{self.origin}/stats", timeout=10) as answer:
            return json.load(answer)["received"]
