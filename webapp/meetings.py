"""The savings day screen: open a meeting, one tap per usual amount, running totals, close
with the counted cash. Every tap is an op through the one core operation."""

import uuid
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from core import access
from core.money import MoneyError, format_baht, parse_baht
from core.store import loan_views
from core.store import loans as loan_store
from core.store import meetings as meeting_store
from core.store.models import Meeting, Member
from core.store.operations import Actor
from core.thaidate import DateError, parse_date, today_in
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language, pick
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles

bp = Blueprint("meetings", __name__, url_prefix="/groups/<group_id>/meetings")

# What a row's buttons record; a repayment names its loan: "loan.repay:<loan_id>".
TAPPABLE = ("savings.deposit", "loan.repay", "fine.pay", "welfare.contribute")


def _meeting(group, meeting_id) -> Meeting:
    meeting = Meeting.get_or_none((Meeting.id == meeting_id) & (Meeting.group == group.id))
    if meeting is None:
        abort(404)
    return meeting


def tap_op_id(seed: str, member_id: str, op_type: str, amount: int) -> str:
    """The same tap on the same rendering of a row is the same op: a double tap applies once."""
    try:
        namespace = uuid.UUID(seed)
    except ValueError:
        return new_op_id()
    return str(uuid.uuid5(namespace, f"{member_id}|{op_type}|{amount}"))


@bp.route("", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def index(group_id):
    group = group_in_scope(group_id)
    errors = {}
    if request.method == "POST":
        try:
            day = parse_date(request.form.get("date", ""))
        except DateError as error:
            errors["date"] = pick(error)
        else:
            meeting_id = request.form.get("meeting_id") or new_op_id()
            result = submit(group, "meeting.open", {"meeting_id": meeting_id,
                                                    "date": day.isoformat()},
                            business_date=day.isoformat())
            if result.applied or result.status == "duplicate":
                return redirect(url_for("meetings.show", group_id=group.id,
                                        meeting_id=meeting_id))
            errors["date"] = result.message(_lang())
    today = today_in(group.timezone)
    month_start = today.replace(day=1)
    statuses = meeting_store.commitment_status(group, month_start, today)
    return page("meetings/index.html", group=group, errors=errors, today=today,
                meetings=meeting_store.meetings_of(group.id), meeting_id=new_op_id(),
                statuses=statuses, unpaid=[s for s in statuses if not s.complete]), \
        400 if errors else 200


def _lang() -> str:
    return current_language()



def _short_baht(satang: int) -> str:
    """A tap button's amount: ฿100 rather than ฿100.00, so two buttons fit a phone's width."""
    text = format_baht(satang)
    return text[:-3] if text.endswith(".00") else text


def row_texts(group, meeting) -> dict:
    """What every row repeats, worked out once per page: 300 rows must render fast."""
    defaults = meeting_store.row_defaults(group)
    welfare = defaults["welfare.contribute"]
    # Translated outside the f-strings below: the message extractor does not look inside them.
    savings_label, welfare_label = _("Savings"), _("Contribution")
    return {
        "csrf": generate_csrf(), "seed": str(uuid.uuid4()), "open": meeting.status == "open",
        "record": url_for("meetings.record", group_id=group.id, meeting_id=meeting.id,
                          member_id="_")[:-1],
        "void": url_for("meetings.void", group_id=group.id, meeting_id=meeting.id),
        "void_label": _("Void"), "other": _("Other amount"), "fine": _("Fine"),
        "savings": f'{savings_label} {_short_baht(defaults["savings.deposit"])}',
        "welfare": f"{welfare_label} {_short_baht(welfare)}" if welfare else "",
        # the buttons' amounts in satang, for the outbox (static/app.js) to record offline
        "savings_amount": defaults["savings.deposit"], "welfare_amount": welfare,
    }


def loan_buttons(sheet) -> dict[str, list[tuple[str, str]]]:
    """Each borrower's repayment buttons: (value, label), prefilled with what is due."""
    repay = _("Repay")
    return {member_id: [(f"loan.repay:{c.loan_id}", f"{repay} {_short_baht(c.amount)}")
                        for c in collectable]
            for member_id, collectable in sheet.loans.items()}


def _render_sheet(group, meeting, *, errors=None, status=200, only_member: Member | None = None):
    sheet = meeting_store.sheet(meeting)
    texts = row_texts(group, meeting)
    texts["loans"] = loan_buttons(sheet)
    texts["loan_amounts"] = {f"loan.repay:{c.loan_id}": c.amount  # for the offline outbox
                             for collectable in sheet.loans.values() for c in collectable}
    context = dict(group=group, meeting=meeting, sheet=sheet, texts=texts, errors=errors or {},
                   close_op_id=new_op_id())
    if only_member is not None and getattr(request, "htmx", None):
        context["member"] = only_member
        return page("meetings/show.html", fragment="row_response", **context), status
    return page("meetings/show.html", **context), status


@bp.route("/<meeting_id>")
@roles(*BOOKKEEPERS)
def show(group_id, meeting_id):
    group = group_in_scope(group_id)
    return _render_sheet(group, _meeting(group, meeting_id))


@bp.route("/<meeting_id>/members/<member_id>", methods=["POST"])
@roles(*BOOKKEEPERS)
def record(group_id, meeting_id, member_id):
    group = group_in_scope(group_id)
    meeting = _meeting(group, meeting_id)
    member = Member.get_or_none((Member.id == member_id) & (Member.group == group.id))
    if member is None:
        abort(404)
    op_type, loan = request.form.get("type", ""), None
    errors = {}
    if op_type.startswith("loan.repay:"):
        loan = loan_views.loan_of(group.id, op_type.split(":", 1)[1])
        if loan is None or loan.member_id != member.id:
            abort(400)
    elif op_type not in TAPPABLE or op_type == "loan.repay":
        abort(400)
    typed = request.form.get("amount", "").strip()
    try:
        if typed:
            amount = parse_baht(typed)
        elif loan is not None:
            amount = loan_store.to_collect(loan, meeting.date) or None
        else:
            amount = meeting_store.row_defaults(group).get(op_type)
    except MoneyError as error:
        errors[member.id] = pick(error)
        amount = None
    if amount is None and not errors:
        errors[member.id] = _("Type the amount first.")
    if meeting.status != "open":
        errors[member.id] = _("This meeting is closed.")
    if not errors:
        payload = {"member_id": member.id, "amount_satang": amount, "meeting_id": meeting.id}
        if loan is not None:
            payload = {"loan_id": loan.id, "amount_satang": amount, "meeting_id": meeting.id}
        result = submit(group, op_type.split(":", 1)[0], payload,
                        op_id=tap_op_id(request.form.get("seed", ""), member.id, op_type,
                                        amount),
                        business_date=meeting.date.isoformat())
        if result.status == "rejected":
            errors[member.id] = result.message(_lang())
    if not getattr(request, "htmx", None) and not errors:
        return redirect(url_for("meetings.show", group_id=group.id, meeting_id=meeting.id)
                        + f"#m-{member.id}")
    return _render_sheet(group, meeting, errors=errors, only_member=member,
                         status=200 if getattr(request, "htmx", None) or not errors else 400)


@bp.route("/<meeting_id>/void", methods=["POST"])
@roles(*BOOKKEEPERS)
def void(group_id, meeting_id):
    group = group_in_scope(group_id)
    meeting = _meeting(group, meeting_id)
    target = request.form.get("target_op_id", "")
    result = submit(group, "void", {"target_op_id": target, "meeting_id": meeting.id,
                                    "reason": request.form.get("reason") or
                                    _("Recorded by mistake")},
                    business_date=meeting.date.isoformat())
    errors = {} if result.applied else {"void": result.message(_lang())}
    member = Member.get_or_none(Member.id == request.form.get("member_id", ""))
    if getattr(request, "htmx", None) and member is not None:
        return _render_sheet(group, meeting, errors={member.id: errors.get("void")}
                             if errors else {}, only_member=member)
    if errors:
        return _render_sheet(group, meeting, errors=errors, status=400)
    return redirect(url_for("meetings.show", group_id=group.id, meeting_id=meeting.id))


@bp.route("/<meeting_id>/close", methods=["POST"])
@roles(*BOOKKEEPERS)
def close(group_id, meeting_id):
    group = group_in_scope(group_id)
    meeting = _meeting(group, meeting_id)
    try:
        counted = parse_baht(request.form.get("counted_cash", ""), allow_zero=True)
    except MoneyError as error:
        return _render_sheet(group, meeting, status=400,
                             errors={"counted_cash": pick(error)})
    result = submit(group, "meeting.close", {"meeting_id": meeting.id,
                                             "counted_cash_satang": counted},
                    business_date=meeting.date.isoformat())
    if not result.applied and result.status != "duplicate":
        return _render_sheet(group, meeting, status=400,
                             errors={"counted_cash": result.message(_lang())})
    return redirect(url_for("meetings.show", group_id=group.id, meeting_id=meeting.id))


@bp.route("/late-fines", methods=["POST"])
@roles(access.COMMITTEE, access.TREASURER, access.STAFF)
def late_fines(group_id):
    group = group_in_scope(group_id)
    month = request.form.get("month", "")
    try:
        month_start = date.fromisoformat(month + "-01")
    except ValueError:
        abort(400)
    charged = meeting_store.charge_late_savings_fines(
        Actor(current_user.model, device_id="web"), group, month_start)
    flash(_("Late-savings fines charged: %(count)d members.", count=charged))
    return redirect(url_for("meetings.index", group_id=group.id))
