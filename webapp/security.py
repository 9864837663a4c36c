"""CSRF on every form and htmx request, security headers, strict JSON bodies, and the role
guard for views."""

import json
from functools import wraps

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFProtect

from core.errors import Problem

csrf = CSRFProtect()

NOT_JSON = Problem("bad_request", "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง", "The body is not valid JSON")
DUPLICATE_KEY = Problem("bad_request", "ข้อมูล JSON มีชื่อฟิลด์ซ้ำกัน",
                        "The JSON has the same key twice in one object")
TOO_DEEP = Problem("bad_request", "ข้อมูล JSON ซ้อนกันลึกเกินไป", "The JSON is nested too deeply")
MAX_JSON_DEPTH = 32  # an op is three levels deep; a member's address or beneficiaries five


class JSONRefused(ValueError):
    def __init__(self, problem: Problem):
        super().__init__(problem.message_en)
        self.problem = problem


def _no_duplicate_keys(pairs):
    # Two values for one key: which one a reader takes differs between parsers, so neither is
    # taken. The op's hash and its effect must come from the same, single value.
    result = {}
    for key, value in pairs:
        if key in result:
            raise JSONRefused(DUPLICATE_KEY)
        result[key] = value
    return result


def _too_deep(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else ()
        stack.extend((child, level + 1) for child in children
                     if isinstance(child, (dict, list)))
    return False


def _mend_text(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _mend(value):
    """Lone surrogates (`"\\ud800"`: valid JSON, storable by no database) and NUL (`"\\u0000"`,
    which PostgreSQL's text cannot hold) become U+FFFD.
    A phone cutting a name at a length can split an emoji's pair; refusing the whole push for
    it would hold the outbox back for good, so the character is replaced, the same way on
    every resend (the op's hash stays the same)."""
    if isinstance(value, str):
        return _mend_text(value)
    if isinstance(value, list):
        return [_mend(item) for item in value]
    if isinstance(value, dict):
        mended = {_mend_text(key): _mend(item) for key, item in value.items()}
        if len(mended) != len(value):
            raise JSONRefused(DUPLICATE_KEY)  # two keys that differed only by a lone surrogate
        return mended
    return value


def strict_loads(data):
    """JSON as the API accepts it: valid UTF-8, no duplicate keys, not nested past a limit,
    no NaN or Infinity (raises JSONRefused, a ValueError, otherwise); lone surrogates mended."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JSONRefused(NOT_JSON) from error
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicate_keys,
                           parse_constant=_refuse_constant)
    except RecursionError as error:
        raise JSONRefused(TOO_DEEP) from error
    except JSONRefused:
        raise
    except ValueError as error:
        raise JSONRefused(NOT_JSON) from error
    if _too_deep(value, MAX_JSON_DEPTH):
        raise JSONRefused(TOO_DEEP)
    return _mend(value)


def _refuse_constant(_name):
    raise JSONRefused(NOT_JSON)


def json_body():
    """The request's body as strict JSON: (value, None), or (None, the Problem)."""
    try:
        return strict_loads(request.get_data(cache=True)), None
    except JSONRefused as refusal:
        return None, refusal.problem


class StrictJSONProvider(DefaultJSONProvider):
    """`request.get_json()` anywhere in the app parses strictly too: a body nested deep enough
    to exhaust Python's recursion is a 400, not a 500."""

    def loads(self, s, **kwargs):
        return strict_loads(s)

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
])


def init_app(app: Flask) -> None:
    app.json = StrictJSONProvider(app)
    csrf.init_app(app)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
            response.vary.add("HX-Request")
        return response


def roles(*allowed: str):
    """Only signed-in people with one of these roles reach the view; others get 403."""
    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        guarded.allowed_roles = allowed
        return guarded
    return decorate
