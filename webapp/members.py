"""A group's members: the list with search as you type, register, edit, exit, and the member's
own sign-in. Every change is an op through the one core operation; the core judges the values
(national id check digit, phone, postcode) and names the field a refusal belongs beside."""

import uuid
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import OpRefused
from core.identity import (
    IdentityError,
    format_phone,
    normalize_national_id,
    normalize_phone,
)
from core.store import members as member_store
from core.store.handlers.members import ADDRESS_PARTS, GENDERS
from core.store.loans import loans_of_member
from core.store.models import Group, Member
from core.store.summaries import member_figures
from core.thaidate import DateError, parse_date, today_in
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language, pick
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles
from webapp.welfare.words import VULNERABLE

bp = Blueprint("members", __name__, url_prefix="/groups/<group_id>/members")

# Fields a refusal of the core may name, shown beside that field; anything else goes on top.
FORM_FIELDS = frozenset({"name", "joined_on", "national_id", "birth_date", "gender", "phone",
                         "address", "beneficiaries", "vulnerable", *ADDRESS_PARTS})


@bp.context_processor
def _helpers():
    return {"gender_name": gender_name, "address_text": address_text,
            "vulnerable_names": VULNERABLE}


def gender_name(gender: str | None) -> str:
    names = {"female": _("Female"), "male": _("Male"), "other": _("Other")}
    return names.get(gender, gender or "")


def address_text(address: dict | None) -> str:
    """One line, in the order a Thai address is written: house no., หมู่, ซอย, ถนน, ตำบล,
    อำเภอ, จังหวัด, postcode."""
    if not address:
        return ""
    prefixes = {"moo": _("Moo"), "soi": _("Soi"), "road": _("Road"), "tambon": _("Tambon"),
                "amphoe": _("Amphoe"), "changwat": _("Province")}
    parts = []
    for part in ADDRESS_PARTS:
        value = address.get(part)
        if value:
            parts.append(f"{prefixes[part]} {value}" if part in prefixes else value)
    return " ".join(parts)


def _member(group: Group, member_id: str) -> Member:
    member = member_store.member_of(group.id, member_id)
    if member is None:
        abort(404)
    return member


def _message(error) -> str:
    """A rule module's error (DateError, IdentityError) in the person's language."""
    return error.message(current_language())


def _errors_of(result) -> dict:
    field = result.field if result.field in FORM_FIELDS else "_form"
    return {field: result.message(current_language())}


def _uuid_or_new(value: str | None) -> str:
    try:
        return str(uuid.UUID(value)) if value and len(value) == 36 else new_op_id()
    except ValueError:
        return new_op_id()


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


# ---------------------------------------------------------------------------------- list


@bp.route("")
@roles(*BOOKKEEPERS)
def index(group_id):
    group = group_in_scope(group_id)
    query = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "all")
    status = status if status in member_store.STATUSES else "all"
    members = member_store.search(group.id, query, status)
    return page("members/index.html", fragment="results", group=group, members=members,
                figures=member_figures([m.id for m in members]), query=query, status=status)


# ------------------------------------------------------------------------- register, edit


def _read_form(form) -> tuple[dict, dict]:
    """The profile typed into the form as op fields; errors only for text that is no date."""
    fields, errors = {"name": form.get("name", "").strip()}, {}
    for name in ("joined_on", "birth_date"):
        typed = form.get(name, "").strip()
        fields[name] = None
        if typed or name == "joined_on":
            try:
                fields[name] = parse_date(typed).isoformat()
            except DateError as error:
                errors[name] = _message(error)
    for name in ("national_id", "phone", "gender"):
        fields[name] = form.get(name, "").strip() or None
    address = {part: form.get(part, "").strip() for part in ADDRESS_PARTS}
    fields["address"] = {part: value for part, value in address.items() if value} or None
    people = []
    for number in (1, 2):
        name = form.get(f"beneficiary_{number}_name", "").strip()
        relation = form.get(f"beneficiary_{number}_relation", "").strip()
        if name or relation:
            people.append({"name": name, "relation": relation})
    fields["beneficiaries"] = people or None
    chosen = form.getlist("vulnerable") if hasattr(form, "getlist") else []
    fields["vulnerable"] = [code for code in VULNERABLE if code in chosen] or None
    return fields, errors


def _form_of(member: Member) -> dict:
    """A member's profile as the form shows it."""
    form = {"name": member.name, "national_id": member.national_id or "",
            "gender": member.gender or "", "phone": _phone(member.phone),
            "joined_on": member.joined_on.isoformat() if member.joined_on else "",
            "birth_date": _typed_date(member.birth_date)}
    form.update((member.address or {}).items())
    form["vulnerable"] = list(member.vulnerable or [])
    for number, person in enumerate(member.beneficiaries or [], start=1):
        form[f"beneficiary_{number}_name"] = person.get("name", "")
        form[f"beneficiary_{number}_relation"] = person.get("relation", "")
    return form


def _typed_date(day: date | None) -> str:
    """A date as a Thai person types it: day/month/Buddhist year (ISO in English)."""
    if day is None:
        return ""
    if current_language() == "th":
        return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"
    return day.isoformat()


def _phone(phone: str | None) -> str:
    if not phone:
        return ""
    try:
        return format_phone(phone)
    except IdentityError:
        return phone


def _canonical(name: str, value):
    """A field's value in one form, so typed and stored values compare equal when the same."""
    if value in (None, "", {}, []):
        return None
    normalize = {"phone": normalize_phone, "national_id": normalize_national_id}.get(name)
    if normalize:
        try:
            return normalize(value)
        except IdentityError:
            return value
    if name == "name":
        return " ".join(value.split())
    if name == "address":
        return {k: " ".join(v.split()) for k, v in value.items() if v.strip()} or None
    if name == "beneficiaries":
        return [{"name": " ".join(p.get("name", "").split()),
                 "relation": " ".join((p.get("relation") or "").split())} for p in value]
    return value


def _render_form(group, form, errors, *, member=None, **hidden):
    template = "members/edit.html" if member else "members/new.html"
    return page(template, group=group, form=form, errors=errors, member=member,
                genders=GENDERS, lang_date_hint=_typed_date(date(1980, 12, 31)),
                **hidden), 400 if errors else 200


@bp.route("/new", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def new(group_id):
    group = group_in_scope(group_id)
    if request.method == "GET":
        return _render_form(group, {"joined_on": today_in(group.timezone).isoformat()}, {},
                            op_id=new_op_id(), member_id=new_op_id())
    form = request.form
    member_id = _uuid_or_new(form.get("member_id"))
    fields, errors = _read_form(form)
    if not errors:
        payload = {"member_id": member_id,
                   **{name: value for name, value in fields.items() if value is not None}}
        result = submit(group, "member.create", payload)
        registered = member_store.member_of(group.id, member_id)
        if registered and (result.applied or result.status == "duplicate"
                           or result.reason == "op_id_reused"):
            flash(_("%(name)s is registered as member no. %(no)d.", name=registered.name,
                    no=registered.member_no))
            return redirect(url_for("members.show", group_id=group.id, member_id=member_id))
        errors = _errors_of(result)
    return _render_form(group, form, errors, op_id=form.get("op_id") or new_op_id(),
                        member_id=member_id)


@bp.route("/<member_id>/edit", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def edit(group_id, member_id):
    group = group_in_scope(group_id)
    member = _member(group, member_id)
    if request.method == "GET":
        return _render_form(group, _form_of(member), {}, member=member, op_id=new_op_id(),
                            base_version=member.version)
    form = request.form
    base_version = _int_or_none(form.get("base_version"))
    fields, errors = _read_form(form)
    if not errors:
        before = member_store.values_at(member, base_version)
        changed = {name: value for name, value in fields.items()
                   if _canonical(name, value) != _canonical(name, before.get(name))}
        if not changed:
            flash(_("Nothing was changed."))
            return redirect(url_for("members.show", group_id=group.id, member_id=member.id))
        result = submit(group, "member.update", {"member_id": member.id, "fields": changed},
                        base_version=base_version)
        if result.applied or result.status == "duplicate":
            flash(_("The member's details were saved."))
            return redirect(url_for("members.show", group_id=group.id, member_id=member.id))
        errors = _errors_of(result)
        if result.reason == "edit_conflict":
            # What they typed stays; saving again now keeps their values over the other edit.
            errors["_conflict"] = _("Check the details below and save again to keep yours.")
            base_version = member.version
    return _render_form(group, form, errors, member=member,
                        op_id=form.get("op_id") or new_op_id(), base_version=base_version)


# --------------------------------------------------------------------------- the member


@bp.route("/<member_id>")
@roles(*BOOKKEEPERS)
def show(group_id, member_id):
    group = group_in_scope(group_id)
    member = _member(group, member_id)
    return page("members/show.html", group=group, member=member,
                figures=member_figures([member.id])[member.id],
                national_id=mask_national_id(member.national_id), phone=_phone(member.phone),
                account=member_store.sign_in_of(member.id),
                loans=loans_of_member(member.id))


def mask_national_id(national_id: str | None) -> str:
    """Only the last four digits shown, in the card's grouping: X-XXXX-XXXX5-62-3."""
    if not national_id:
        return ""
    hidden = "X" * (len(national_id) - 4) + national_id[-4:]
    groups, start = [], 0
    for size in (1, 4, 5, 2, 1):
        groups.append(hidden[start:start + size])
        start += size
    return "-".join(groups) if len(national_id) == 13 else hidden


@bp.route("/<member_id>/exit", methods=["GET", "POST"], endpoint="exit")
@roles(*BOOKKEEPERS)
def leave(group_id, member_id):
    group = group_in_scope(group_id)
    member = _member(group, member_id)
    errors = {}
    if request.method == "POST" and member.status == "active":
        result = submit(group, "member.exit",
                        {"member_id": member.id, "reason": request.form.get("reason", "").strip()})
        if result.applied or result.status == "duplicate":
            flash(_("%(name)s has left the group.", name=member.name))
            return redirect(url_for("members.show", group_id=group.id, member_id=member.id))
        errors = {"reason" if result.field == "reason" else "_form":
                  result.message(current_language())}
    figures = member_store.exit_figures(group.id, member.id)
    return page("members/exit.html", group=group, member=member, figures=figures,
                payout=figures["savings"] + figures["shares"], errors=errors,
                reason=request.form.get("reason", ""),
                op_id=request.form.get("op_id") or new_op_id()), 400 if errors else 200


@bp.route("/<member_id>/sign-in", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def give_sign_in(group_id, member_id):
    group = group_in_scope(group_id)
    member = _member(group, member_id)
    errors, pin = {}, None
    if request.method == "POST":
        try:
            _user, pin = member_store.give_sign_in(member, current_user.model)
        except OpRefused as refusal:
            errors["_form"] = pick(refusal.problem)
    return page("members/sign_in.html", group=group, member=member, pin=pin, errors=errors,
                phone=_phone(member.phone),
                account=member_store.sign_in_of(member.id)), 400 if errors else 200
