"""Reading a group's members: search, what an exit pays out, a profile as it was at a version;
and giving a member their own sign-in (phone number and a PIN they change at first use)."""

import secrets
from datetime import date

from core import access, books
from core.errors import OpRefused, invalid
from core.identity import IdentityError, normalize_phone
from core.store import users
from core.store.db import database
from core.store.models import Account, AuditLog, Member, MemberChange, User

STATUSES = ("all", "active", "exited")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def search(group_id: str, query: str = "", status: str = "all") -> list[Member]:
    """Members of a group by name fragment or exact member number, in member-number order."""
    rows = Member.select().where(Member.group == group_id)
    if status in ("active", "exited"):
        rows = rows.where(Member.status == status)
    text = " ".join((query or "").split())[:100]
    if text:
        digits = text.translate(_THAI_DIGITS)
        matches = Member.name.contains(text)
        if digits.isdigit() and len(digits) <= 9:
            matches = matches | (Member.member_no == int(digits))
        rows = rows.where(matches)
    return list(rows.order_by(Member.member_no))


def member_of(group_id: str, member_id: str) -> Member | None:
    return Member.get_or_none((Member.id == member_id) & (Member.group == group_id))


def exit_figures(group_id: str, member_id: str) -> dict[str, int]:
    """What the books hold for a member, as a person reads it: savings and share capital to pay
    out; fines still due and loans still owed, which must be settled before the member leaves."""
    accounts = {code: books.account_key(code, member_id)
                for code in (books.SAVINGS, books.SHARES, books.FINES_DUE)}
    balances = dict(Account.select(Account.key, Account.balance).where(
        (Account.group == group_id) & Account.key.in_(list(accounts.values()))).tuples())
    figure = {code: books.natural_balance(books.CHART[code].kind, balances.get(key, 0))
              for code, key in accounts.items()}
    return {"savings": figure[books.SAVINGS], "shares": figure[books.SHARES],
            "fines_due": figure[books.FINES_DUE],
            "loan_outstanding": loan_outstanding(group_id, member_id)}


def loan_outstanding(group_id: str, member_id: str) -> int:
    """Principal a member still owes: the balances of the loan accounts tied to the borrower."""
    owed = Account.select(Account.balance).where(
        (Account.group == group_id) & (Account.code == books.LOANS)
        & (Account.member == member_id) & (Account.balance != 0))
    return sum(balance for (balance,) in owed.tuples())


def values_at(member: Member, version: int | None) -> dict:
    """The member's profile as it stood at `version` (plain values: dates as ISO text), so a
    form rendered then can tell which fields the person changed since."""
    values = {name: _plain(getattr(member, name)) for name in
              ("name", "national_id", "birth_date", "phone", "address", "beneficiaries",
               "gender", "vulnerable", "joined_on")}
    if version is None or version >= member.version:
        return values
    later = (MemberChange.select().where((MemberChange.member == member.id)
                                         & (MemberChange.version > version))
             .order_by(MemberChange.version.desc()))
    for change in later:  # newest first, so the oldest change's "before" wins
        for name, (before, _after) in change.fields.items():
            values[name] = before
    return values


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# ------------------------------------------------------------------ a member's own sign-in


def sign_in_of(member_id: str) -> User | None:
    return User.get_or_none((User.member == member_id) & (User.role == access.MEMBER))


def new_pin() -> str:
    """Six random digits, never all the same digit nor a run like 123456."""
    while True:
        pin = f"{secrets.randbelow(10 ** 6):06d}"
        if len(set(pin)) > 1 and pin not in "0123456789012345" and pin not in "9876543210987":
            return pin


def give_sign_in(member: Member, by: User) -> tuple[User, str]:
    """The member's own sign-in: the phone number as username and a new PIN that must be
    changed at first sign-in. Given again, the PIN is reset and every old session ends."""
    if not member.phone:
        raise OpRefused(invalid("สมาชิกต้องมีหมายเลขโทรศัพท์ก่อน",
                                "The member needs a phone number first", "phone"))
    try:
        username = normalize_phone(member.phone)
    except IdentityError as error:
        raise OpRefused(invalid(error.message_th, error.message_en, "phone")) from error
    pin = new_pin()
    existing = sign_in_of(member.id)
    if existing is None:
        user = users.create_user(username, pin, access.MEMBER, group_ids=[member.group_id],
                                 display_name=member.name, member_id=member.id, created_by=by)
        return user, pin
    taken = User.select().where((User.username == username) & (User.id != existing.id))
    if taken.exists():
        raise OpRefused(invalid("มีชื่อผู้ใช้นี้แล้ว", "This username is taken", "username"))
    with database.atomic():
        User.update(username=username, password_hash=users.hash_password(pin),
                    must_change_password=True, display_name=member.name,
                    session_version=User.session_version + 1).where(
            User.id == existing.id).execute()
        AuditLog.create(group=member.group_id, user=by.id, action="user.reset_pin",
                        detail={"username": username, "member_id": member.id})
    return User.get_by_id(existing.id), pin
