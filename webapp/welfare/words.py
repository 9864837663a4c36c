"""The names people read for the welfare fund's codes: funding sources, claim states, the
funders' age groups and vulnerable groups, and how often contributions are asked."""

from flask_babel import lazy_gettext as _l

from webapp.i18n import current_language

SOURCES = {
    "members": _l("Members"),
    "local_government": _l("Local government"),
    "codi": _l("Government through the support institute (CODI)"),
    "other": _l("Other sources"),
}
STATUSES = {
    "claimed": _l("Waiting for the committee"),
    "approved": _l("Approved, not paid yet"),
    "paid": _l("Paid"),
    "refused": _l("Refused"),
}
AGE_GROUPS = {
    "children": _l("Children (under 18)"),
    "working_age": _l("Working age (18–59)"),
    "elderly": _l("Elderly (60 and over)"),
    "unknown": _l("Age not recorded"),
}
VULNERABLE = {
    "disabled": _l("People with disabilities"),
    "orphan": _l("Orphans"),
    "disadvantaged": _l("Disadvantaged"),
}
PER = {"day": _l("a day"), "month": _l("a month"), "year": _l("a year")}


def word(table: dict, code: str | None) -> str:
    return str(table.get(code, code or ""))


def benefit_name(benefit: dict | None, code: str = "") -> str:
    """A benefit's name from the scheme's data, in the person's language."""
    if benefit is None:
        return code
    return benefit["name_th"] if current_language() == "th" else benefit["name_en"]
