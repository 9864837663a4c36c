"""Accounts of people: creation, argon2 password hashes, sign-in with rate limits, scope."""

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from peewee import IntegrityError

from core import access
from core.errors import OpRefused, Problem, invalid
from core.identity import IdentityError, normalize_phone
from core.store.db import database
from core.store.models import AuditLog, Group, LoginAttempt, Member, User, UserGroup, utcnow

_hasher = PasswordHasher()
# A hash of a password nobody has, checked when the user is unknown so that the time taken
# does not tell whether a username exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

LIMIT_WINDOW = timedelta(minutes=15)
LIMIT_PER_USERNAME = 5
LIMIT_PER_ADDRESS = 20
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, *, pin: bool = False) -> Problem | None:
    if pin:
        if not (password.isdigit() and len(password) == 6):
            return invalid("รหัส PIN ต้องเป็นตัวเลข 6 หลัก", "The PIN must be 6 digits",
                           "password")
        return None
    if len(password) < MIN_PASSWORD:
        return invalid(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร",
                       f"The password must be at least {MIN_PASSWORD} characters", "password")
    return None


def create_user(username: str, password: str, role: str, *, group_ids: list[str] = (),
                display_name: str = "", language: str = "th", member_id: str | None = None,
                created_by: User | None = None) -> User:
    username = username.strip().lower()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise OpRefused(invalid("ชื่อผู้ใช้ต้องไม่ว่างและไม่มีช่องว่าง",
                                "The username must not be empty or contain spaces",
                                "username"))
    if role not in access.ROLES:
        raise OpRefused(invalid("ไม่รู้จักบทบาทนี้", "Unknown role", "role"))
    problem = check_password_strength(password, pin=role == access.MEMBER and
                                      password.isdigit())
    if problem:
        raise OpRefused(problem)
    if role != access.ADMIN and not group_ids:
        raise OpRefused(invalid("ต้องเลือกกลุ่ม", "Choose a group", "group"))
    if role in (access.TREASURER, access.COMMITTEE, access.MEMBER) and len(group_ids) != 1:
        raise OpRefused(invalid("บทบาทนี้อยู่ได้กลุ่มเดียว", "This role belongs to one group",
                                "group"))
    for group_id in group_ids:
        if not Group.select().where(Group.id == group_id).exists():
            raise OpRefused(invalid("ไม่พบกลุ่มนี้", "Unknown group", "group"))
    if role == access.MEMBER:
        member = Member.get_or_none(Member.id == member_id) if member_id else None
        if member is None or member.group_id != group_ids[0]:
            raise OpRefused(invalid("ต้องเลือกสมาชิกของกลุ่ม", "Choose a member of the group",
                                    "member"))
    try:
        with database.atomic():
            user = User.create(username=username, password_hash=hash_password(password),
                               role=role, display_name=display_name.strip() or username,
                               language=language, member=member_id,
                               must_change_password=role == access.MEMBER)
            for group_id in group_ids:
                UserGroup.create(user=user.id, group=group_id)
            AuditLog.create(user=created_by.id if created_by else None, action="user.create",
                            group=group_ids[0] if group_ids else None,
                            detail={"username": username, "role": role})
    except IntegrityError as error:
        raise OpRefused(invalid("มีชื่อผู้ใช้นี้แล้ว", "This username is taken",
                                "username")) from error
    return user


@dataclass(frozen=True)
class SignIn:
    user: User | None
    problem: Problem | None


WRONG = invalid("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password")
TOO_MANY = Problem("rate_limited", "ลองเข้าสู่ระบบหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่",
                   "Too many sign-in attempts; please wait 15 minutes and try again")


def canonical_username(typed: str) -> str:
    """The username as stored. A member signs in with their phone number typed in any common
    form ("081-234-5678", "+66 81 234 5678"): when no account has the name as typed and it
    reads as a Thai phone number, the national form of that number is the username."""
    username = (typed or "").strip().lower()[:80]
    if not username or User.select().where(User.username == username).exists():
        return username
    try:
        return normalize_phone(username)
    except IdentityError:
        return username


def sign_in(username: str, password: str, address: str) -> SignIn:
    """Check a password; count failures per account and per address within a window."""
    username = canonical_username(username)
    address = (address or "")[:64]
    since = utcnow() - LIMIT_WINDOW
    failures = LoginAttempt.select().where(
        (LoginAttempt.created_at > since) & (LoginAttempt.succeeded == False))  # noqa: E712
    if (failures.where(LoginAttempt.username == username).count() >= LIMIT_PER_USERNAME
            or failures.where(LoginAttempt.address == address).count() >= LIMIT_PER_ADDRESS):
        return SignIn(None, TOO_MANY)
    user = User.get_or_none(User.username == username)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    with database.atomic():
        LoginAttempt.create(username=username, address=address, succeeded=ok)
        if ok:
            AuditLog.create(user=user.id, action="user.sign_in", detail={"address": address})
    if not ok:
        return SignIn(None, WRONG)
    if _hasher.check_needs_rehash(user.password_hash):
        User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
    return SignIn(user, None)


def set_password(user: User, password: str) -> None:
    problem = check_password_strength(password, pin=user.role == access.MEMBER)
    if problem:
        raise OpRefused(problem)
    User.update(password_hash=hash_password(password), must_change_password=False,
                session_version=User.session_version + 1).where(User.id == user.id).execute()


def sign_out_everywhere(user: User, by: User | None = None) -> None:
    with database.atomic():
        User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
        AuditLog.create(user=by.id if by else user.id, action="user.sign_out_everywhere",
                        detail={"username": user.username})


def set_active(user: User, active: bool, by: User) -> None:
    with database.atomic():
        User.update(active=active, session_version=User.session_version + 1).where(
            User.id == user.id).execute()
        AuditLog.create(user=by.id, action="user.activate" if active else "user.deactivate",
                        detail={"username": user.username})
