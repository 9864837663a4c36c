"""The `year.close` op: the closing entries of a fiscal year, its allocation, the period locked
and each member told, in the op's one transaction.

The entries are dated the year's last day:
1. `year.close`: each income and expense account's balance for the year closed into 3900
   (net profit to allocate).
2. Per member, on their savings account (2100), so the passbook shows it and the member may
   withdraw it or leave it saved: `year.dividend` (ปันผล) and `year.refund` (เฉลี่ยคืน); in a
   VSLA, `year.shareout`, which also empties the member's shares (3100).
3. `year.allocate`: what is left of 3900 to the reserve (3200, with every remainder), the
   welfare fund (3300), committee remuneration payable (2300) and the public benefit fund
   (2400). In a loss year it charges the loss to the reserve. 3900 is zero afterwards.
"""

from core import books
from core.errors import OpRefused, invalid
from core.money import format_baht
from core.store import ledger, notices
from core.store import yearend as store
from core.store.models import FiscalPeriod, User
from core.store.operations import Context

POOL_ACCOUNTS = {"reserve": books.RESERVE, "welfare": books.WELFARE_FUND,
                 "committee": books.COMMITTEE_PAYABLE,
                 "public_benefit": books.PUBLIC_BENEFIT_FUND}


# Buddhist-Era years a group's books can have: 1957–2156 CE. Anything else is a typing accident.
YEARS_BE = range(2500, 2700)


def year_close(ctx: Context) -> None:
    if ctx.payload["year_be"] not in YEARS_BE:
        raise OpRefused(invalid("ปีบัญชีต้องเป็นปีพุทธศักราช เช่น 2569",
                                "The fiscal year must be a Buddhist-Era year, such as 2569",
                                "year_be"))
    fig = store.figures(ctx.group, ctx.payload["year_be"])
    store.refuse_unless_closable(fig, ctx.op.business_date, ctx.payload["books_hash"])
    ctx.books_said = {"profit_satang": fig.profit}

    def post(lines, kind, member=None):
        lines = [line for line in lines if line.amount]
        if lines:
            ledger.post(ctx.group.id, lines, business_date=fig.ends_on, kind=kind,
                        memo=str(fig.year_be), op=ctx.sync_op, user=ctx.actor.user,
                        member=member, receipt=False)

    post([books.Line(key, -amount) for key, amount in sorted(fig.closing.items())]
         + [books.Line(books.PROFIT_TO_ALLOCATE, -fig.profit)], "year.close")
    told = {}
    if fig.vsla:
        for part in fig.shareout.members:
            post([books.Line(books.account_key(books.SHARES, part.member_id), part.shares),
                  books.Line(books.PROFIT_TO_ALLOCATE, part.gain),
                  books.Line(books.account_key(books.SAVINGS, part.member_id), -part.payout)],
                 "year.shareout", part.member_id)
            told[part.member_id] = [("เงินปันส่วนสิ้นรอบ", "Share-out", part.payout)]
        pools = {"reserve": fig.shareout.to_reserve}
    else:
        for part in fig.allocation.members:
            savings = books.account_key(books.SAVINGS, part.member_id)
            for kind, amount in (("year.dividend", part.dividend), ("year.refund", part.refund)):
                post(books.transfer(books.PROFIT_TO_ALLOCATE, savings, amount), kind,
                     part.member_id)
            told[part.member_id] = [("ปันผล", "Dividend", part.dividend),
                                    ("เฉลี่ยคืน", "Refund", part.refund)]
        pools = {pool: amount for pool, amount in fig.allocation.credits().items()
                 if pool in POOL_ACCOUNTS}
    allocated = sum(pools.values())
    post([books.Line(books.PROFIT_TO_ALLOCATE, allocated)]
         + [books.Line(POOL_ACCOUNTS[pool], -amount) for pool, amount in pools.items()],
         "year.allocate")
    _lock(ctx, fig)
    _tell(ctx, fig, told)


def _lock(ctx: Context, fig: store.YearFigures) -> None:
    period = fig.period
    if period is None or (period.starts_on, period.ends_on) != (fig.starts_on, fig.ends_on):
        period = FiscalPeriod(group=ctx.group.id, starts_on=fig.starts_on, ends_on=fig.ends_on)
    period.closed_at = ctx.now.replace(tzinfo=None)
    period.closed_by = ctx.actor.user.id
    period.save()


def _tell(ctx: Context, fig: store.YearFigures, told: dict) -> None:
    users = dict(User.select(User.member, User.id).where(
        User.member.in_(list(told) or [""]) & (User.active == True)).tuples())  # noqa: E712
    for member_id, lines in told.items():
        if member_id not in users or not any(amount for *_, amount in lines):
            continue
        th = " · ".join(f"{name} {format_baht(amount)}" for name, _, amount in lines)
        en = " · ".join(f"{name} {format_baht(amount)}" for _, name, amount in lines)
        notices.queue(users[member_id], "year_end", group_id=ctx.group.id,
                      title=(f"ผลการจัดสรรปีบัญชี {fig.year_be}",
                             f"Year-end {fig.year_be}"),
                      body=(f"{th} เข้าบัญชีเงินออมแล้ว", f"{en} credited to your savings"),
                      url="/me", topic=f"year-end-{fig.year_be}",
                      dedupe_key=f"year_end:{ctx.group.id}:{fig.year_be}:{member_id}")
