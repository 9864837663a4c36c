"""The names people read for each kind of entry in the books."""

from flask_babel import lazy_gettext as _l

ENTRY_KINDS = {
    "savings.deposit": _l("Savings deposit"),
    "savings.withdraw": _l("Savings withdrawal"),
    "shares.buy": _l("Shares bought"),
    "fine.charge": _l("Fine charged"),
    "fine.pay": _l("Fine paid"),
    "welfare.contribute": _l("Welfare contribution"),
    "group.income": _l("Other income"),
    "group.expense": _l("Expense"),
    "meeting.close": _l("Cash over or short at the count"),
    "member.exit": _l("Paid out on leaving"),
    "reversal": _l("Voided entry"),
    "loan.disburse": _l("Loan paid out"),
    "loan.repay": _l("Loan repayment"),
    "loan.write_off": _l("Loan written off"),
    "welfare.pay": _l("Welfare benefit paid"),
    "year.close": _l("Year-end closing entry"),
    "year.allocate": _l("Year-end allocation"),
    "year.dividend": _l("Dividend"),
    "year.refund": _l("Patronage refund"),
    "year.shareout": _l("Share-out"),
}


def entry_kind(kind: str) -> str:
    return str(ENTRY_KINDS.get(kind, kind))
