"""Errors shown to people in their language, and the JSON error shape of the API."""

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.store.db import CONNECTION_ERRORS
from core.store.operations import transient
from webapp.render import page


def json_error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


MESSAGES = {
    400: lambda: _("The request could not be understood."),
    403: lambda: _("You may not open this page."),
    404: lambda: _("This page does not exist."),
    405: lambda: _("This action is not allowed here."),
    413: lambda: _("What was sent is too large."),
    429: lambda: _("Too many requests; please wait a moment."),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        message = _("The form expired or was not sent from this app. Please try again.")
        if _wants_json():
            return json_error(400, "csrf", message)
        return page("errors/error.html", code=400, message=message), 400

    def _database_busy(error):
        # A locked SQLite file or a PostgreSQL restart passes in a moment: say so, not 500.
        if not transient(error):
            raise error
        message = _("The server is busy for a moment. Please try again.")
        if _wants_json():
            response, status = json_error(503, "busy", message)
        else:
            response, status = page("errors/error.html", code=503, message=message), 503
        return response, status, {"Retry-After": "5"}

    for error_class in CONNECTION_ERRORS:
        app.register_error_handler(error_class, _database_busy)

    @app.errorhandler(HTTPException)
    def _http(error):
        message = MESSAGES.get(error.code, lambda: error.name)()
        if _wants_json():
            return json_error(error.code, error.name.lower().replace(" ", "_"), message)
        return page("errors/error.html", code=error.code, message=message), error.code
