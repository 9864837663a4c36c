"""The names people read for the reports and their codes."""

from flask_babel import lazy_gettext as _l

# Report slugs, in the order the index lists them.
REPORTS = {
    "income-statement": _l("Income statement"),
    "balance-sheet": _l("Balance sheet"),
    "trial-balance": _l("Trial balance"),
    "cash-book": _l("Cash book"),
    "members": _l("Member register"),
    "loans": _l("Loan portfolio"),
    "welfare": _l("Welfare summary"),
    "ratios": _l("Savings-group ratios"),
}
REPORT_NAMES = tuple(REPORTS)
BUCKETS = {
    "current": _l("Not late"),
    "1-30": _l("1–30 days late"),
    "31-60": _l("31–60 days late"),
    "61-90": _l("61–90 days late"),
    "90+": _l("More than 90 days late"),
}
STATUSES = {"active": _l("Member"), "exited": _l("Left")}
