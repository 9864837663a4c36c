"""Which applied operations tell someone, and what: called inside the op's transaction."""


def on_applied(ctx) -> None:
    """Queue the notices an applied op causes (a receipt to the member, review items to the
    committee and field staff...). Runs in the op's transaction, after its handler."""
