"""Rate limits on the sync API, counted in the database.

Why the database and not the process's memory: the scale design runs several stateless app
processes behind one address, and a count kept in one process's memory would let a device
through N times as often. A fixed window per key (a device, a user) costs one upsert per
request, in its own short transaction.

A database too busy to count lets the request through: the limit protects the server from a
runaway device, and the request itself will then meet the same busy database and be told to
retry later.
"""

import time

from peewee import InterfaceError, OperationalError

from core.store.db import write_transaction
from core.store.models import RateLimitHit
from core.store.operations import transient


def hit(keys: list[tuple[str, int]], window_seconds: int = 60,
        now: float | None = None) -> int | None:
    """Count one request against each (key, limit); the seconds until the window ends when
    any limit is passed, else None. A limit of 0 or less is no limit."""
    keys = [(key[:120], limit) for key, limit in keys if limit > 0]
    if not keys:
        return None
    now = time.time() if now is None else now
    window = int(now // window_seconds) * window_seconds
    try:
        with write_transaction():
            over = False
            for key, limit in keys:
                (RateLimitHit.insert(key=key, window=window, count=1)
                 .on_conflict(conflict_target=[RateLimitHit.key, RateLimitHit.window],
                              update={RateLimitHit.count: RateLimitHit.count + 1})
                 .execute())
                count = (RateLimitHit.select(RateLimitHit.count)
                         .where((RateLimitHit.key == key) & (RateLimitHit.window == window))
                         .scalar())
                over = over or count > limit
                # the windows before this one count for nothing any more
                RateLimitHit.delete().where((RateLimitHit.key == key)
                                            & (RateLimitHit.window < window)).execute()
    except (OperationalError, InterfaceError) as error:
        if not transient(error):
            raise
        return None
    return max(1, int(window + window_seconds - now)) if over else None
