"""gunicorn settings read from the working directory (`gunicorn config.wsgi`).

Access lines, when enabled with --access-logfile, carry the path without its query string: a
survey link's token (`/khao-sat/?t=...`) never reaches a log (docs/sipas.md). A reverse proxy in
front must be told the same (nginx: log `$uri`, not `$request_uri`).
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
