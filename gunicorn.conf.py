"""gunicorn settings read from the working directory (`gunicorn config.wsgi`).

Access lines, when enabled with --access-logfile, carry the path without its query string: a
survey link's token (`/khao-sat/?t=...`) never reaches a log (docs/sipas.md). A reverse proxy in
front must be told the same (nginx: log `$uri`, not `$request_uri`).

The path is logged escaped, as nginx does: a control character (a `%0a` in the address, say), a
byte from 0x7f up, a backslash or a quote becomes `\\xHH`, so a request cannot write a line of its
own into the log (tests/security/test_access_log.py).

The survey's pages (`/khao-sat/...`) are logged without the client's address and with the date
only: a line with an address and a second would say which device answered when, in the order the
links were spent (docs/sipas.md, "unlinkable answers").
"""

from gunicorn.glogging import Logger


def escape(value):
    """`value` with every byte below 0x20, from 0x7f up, `"` and `\\` written as `\\xHH`
    (gunicorn's WSGI strings carry the raw bytes as latin-1 characters)."""
    if not isinstance(value, str):
        return value
    return "".join(f"\\x{ord(c):02X}" if ord(c) < 0x20 or ord(c) >= 0x7F or c in '"\\' else c for c in value)


SURVEY_PATHS = ("/khao-sat/",)


class EscapingAtoms(dict):
    """gunicorn's atoms for the access line, every text escaped; an unknown atom is "-". On the
    survey's pages the address is "-" and the time the date alone."""

    def __init__(self, atoms):
        super().__init__({key.lower() if key.startswith("{") else key: escape(v) for key, v in atoms.items()})
        if str(self.get("U", "")).startswith(SURVEY_PATHS):
            self["h"] = "-"
            day = str(self.get("t", "")).partition(":")[0]  # "[07/Dec/2026:20:00:00 +0700]" -> "[07/Dec/2026"
            self["t"] = f"{day}]" if day.startswith("[") else "-"

    def __getitem__(self, key):
        key = key.lower() if key.startswith("{") else key
        return super().__getitem__(key) if key in self else "-"


class EscapingLogger(Logger):
    atoms_wrapper_class = EscapingAtoms


logger_class = EscapingLogger
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
