"""Errors as values: a reason code and a message in Thai and English.

Every refusal the core gives (a bad amount, a forbidden op, a closed period) is one of these, so
each door (form, sync API, command) shows the same words without its own translation table.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    reason: str
    message_th: str
    message_en: str
    field: str | None = None

    def message(self, lang: str) -> str:
        return self.message_th if lang == "th" else self.message_en


class OpRefused(Exception):
    """Raised inside an operation to refuse it; nothing it did is kept."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message_en)
        self.problem = problem


def problem(reason: str, th: str, en: str, field: str | None = None) -> Problem:
    return Problem(reason, th, en, field)


def invalid(th: str, en: str, field: str | None = None) -> Problem:
    return Problem("invalid", th, en, field)


def forbidden(th: str = "คุณไม่มีสิทธิ์ทำรายการนี้ในกลุ่มนี้",
              en: str = "You may not do this in this group") -> Problem:
    return Problem("forbidden", th, en)


class InputError(ValueError):
    """Something a person typed was refused: a stable ``code`` for programs and tests, and a
    message in Thai and English ready to show beside the field. ``str(err)`` is the English."""

    def __init__(self, code: str, message_th: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_th = message_th
        self.message_en = message_en

    def message(self, lang: str = "th") -> str:
        return self.message_th if lang == "th" else self.message_en
