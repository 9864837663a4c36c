"""gunicorn for production: `gunicorn --config gunicorn.conf.py` (or `make serve`).

Everything is read from the environment, so one file serves every installation:

- DATABASE_URL       the database; PostgreSQL for a network, SQLite for one office
- SAJJA_BIND         where to listen (default 127.0.0.1:8000; put a TLS proxy in front)
- SAJJA_WORKERS      processes. PostgreSQL: 2 × cores + 1. SQLite: 1, because the file takes
                     one writer at a time: more processes only queue on its lock (and a push
                     that waits past the busy timeout is told `retry_later`), so the one
                     process serves requests on threads instead.
- SAJJA_THREADS      threads per process (default 4 on SQLite, 2 on PostgreSQL)
- SAJJA_TIMEOUT      seconds a request may take before its worker is restarted (default 60;
                     a 500-op push takes well under one)
- FORWARDED_ALLOW_IPS the proxy's address, so the app sees the phone's address and https

Push notices are sent by their own process, never by a web worker:
`flask --app webapp notices worker`; reminders come from cron: `flask --app webapp notices
schedule`. See the README, "Serving".
"""

import os

_database = os.environ.get("DATABASE_URL", "")
_sqlite = not _database.startswith(("postgresql://", "postgres://"))
_cores = os.cpu_count() or 1

wsgi_app = "webapp:create_app()"
bind = os.environ.get("SAJJA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SAJJA_WORKERS") or (1 if _sqlite else 2 * _cores + 1))
worker_class = "gthread"
threads = int(os.environ.get("SAJJA_THREADS") or (4 if _sqlite else 2))
timeout = int(os.environ.get("SAJJA_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Each worker imports the app itself: a fork after the database was opened would share one
# connection between processes.
preload_app = False
# A worker is replaced now and then, so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SAJJA_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "sajja"


def on_starting(server):
    """Make the app once in the master before any worker starts, so the secrets kept in the
    instance folder are created by one process, not raced for by all the workers."""
    from webapp import create_app

    create_app()
