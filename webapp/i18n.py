"""Thai first, English second: locale choice, and the filters templates use for money and dates."""

from flask import Flask, current_app, session
from flask_babel import Babel, lazy_gettext
from flask_login import current_user

from core import access, money, thaidate
from webapp.entry_kinds import entry_kind

LANGUAGES = ("th", "en")


def current_language() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    # Thai first: a browser set to English still gets Thai until the person switches.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=current_language)

    @app.template_filter("baht")
    def _baht(satang):
        return money.format_baht(int(satang or 0))

    @app.template_filter("plain_baht")
    def _plain(satang):
        return money.format_plain(int(satang or 0))

    @app.template_filter("be_date")
    def _be_date(value, style="short"):
        return thaidate.format_date(value, current_language(), style) if value else ""

    @app.template_filter("be_datetime")
    def _be_datetime(value):
        return thaidate.format_datetime(value, current_language()) if value else ""

    @app.context_processor
    def _language():
        lang = current_language()
        return {"lang": lang, "languages": LANGUAGES,
                "role_name": lambda role: access.role_name(role, lang),
                "kind_name": kind_name,
                "has_endpoint": lambda name: name in current_app.view_functions,
                "entry_kind": entry_kind}


def pick(problem_or_pair, lang: str | None = None) -> str:
    """A core Problem's message in the person's language."""
    return problem_or_pair.message(lang or current_language())


GROUP_KINDS = {
    "savings": lazy_gettext("Savings group"),
    "welfare": lazy_gettext("Community welfare fund"),
    "vsla": lazy_gettext("Savings and loan association (VSLA)"),
}


def kind_name(kind: str) -> str:
    return str(GROUP_KINDS.get(kind, kind))
