"""One template renders both the whole page and, for htmx, only the fragment that changes."""

from flask import current_app, render_template, request


def page(template: str, *, fragment: str = "main", **context):
    """The full page, or its `fragment` block when htmx asked for part of a page."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and request.headers.get("HX-Target"):
        tmpl = current_app.jinja_env.get_template(template)
        ctx = tmpl.new_context(_template_context(context))
        return "".join(tmpl.blocks[fragment](ctx))
    return render_template(template, **context)


def _template_context(context: dict) -> dict:
    merged = dict(context)
    current_app.update_template_context(merged)
    return merged
