"""Reports per group and per network for a month or a fiscal year: each as a page, a CSV, an
XLSX file and a printable page. The figures come from core.store.reports; the tables the page
and the files are made of come from webapp.reports.tables."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from webapp.reports import views  # noqa: E402,F401 (its routes)
