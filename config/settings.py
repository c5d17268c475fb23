"""One settings module, read from environment variables (documented in .env.example).

Development defaults need no external service (SQLite under var/). Production mode
(DJANGO_ENV=production) refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_ENV=production requires SECRET_KEY")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production requires ALLOWED_HOSTS")
else:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "plans",
    "scorecards",
    "targets",
    "procedures",
    "surveys",
    "feedback",
    "portal",
    "reports",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulBytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.security_audit.RememberActor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.two_factor.SecondFactorMiddleware",
    "core.administration.middleware.PasswordChangeRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.context_processors.security",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,  # a connection left broken by a database restart is replaced, not used
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite needs its directory
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # A file (not in-memory) test database, so tests of concurrent workers see real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Generated report files are removed after this many days (made again on request from the registers)
REPORT_FILES_KEEP_DAYS = env_int("REPORT_FILES_KEEP_DAYS", 90)
# While the database restarts, pages and the API answer 503 with this Retry-After (core.views).
RETRY_AFTER_SECONDS = env_int("RETRY_AFTER_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, except that integration accounts (API tokens only) have no log-in or session
    "core.auth.PeopleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failures (django-axes): per user name and client address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
# Locked per (user name, address) pair: a stranger's wrong passwords lock only himself, not the
# leader (issue 18). A guess spread over many addresses meets LOGIN_USERNAME_LIMIT below. The
# address is ours (core.middleware.client_address: the one our proxy added), not a header a client
# may rotate.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_address"
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # W021: HSTS preload, see SECURE_HSTS_PRELOAD
AXES_RESET_ON_SUCCESS = True
# A log-in is recorded once, in the security audit trail (core.security_audit: auth.login, logout,
# failures, with the address); axes' own access log would be a second write in every log-in (D33,
# bench/login.py). Its failure counters (the lock-out) are unaffected.
AXES_DISABLE_ACCESS_LOG = True
# Failed log-ins per client address (all user names together), in the shared cache; successful
# ones are not counted (an office behind one address signs in many people) (core.ratelimit)
LOGIN_ADDRESS_LIMIT = env_int("LOGIN_ADDRESS_LIMIT", 60)
LOGIN_ADDRESS_WINDOW_SECONDS = env_int("LOGIN_ADDRESS_WINDOW_SECONDS", 15 * 60)
# Failed log-ins per user name from any address: beyond this many in the window the user name waits
# for the window's end, except from an address it signed in from before (core.ratelimit)
LOGIN_USERNAME_LIMIT = env_int("LOGIN_USERNAME_LIMIT", 50)
LOGIN_USERNAME_WINDOW_SECONDS = env_int("LOGIN_USERNAME_WINDOW_SECONDS", 15 * 60)
# The API's rate per token or session, and per address without either (django-ninja throttling)
API_USER_RATE = env("API_USER_RATE", "600/m")
API_ANON_RATE = env("API_ANON_RATE", "60/m")
# API tokens expire after this many days (the default and the longest a person may choose)
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365)
NINJA_NUM_PROXIES = 1 if env_bool("BEHIND_PROXY", False) else 0
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The optional second log-in factor (core.two_factor): a code from an authenticator app. Anyone may
# turn it on; the roles listed here (e.g. "administrator,appraiser") must.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES")
OTP_TOTP_ISSUER = env("OTP_ISSUER", "CCHC")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code (django-otp)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin removes a lost phone; it never shows a secret or a code
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Sessions expire after inactivity and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_MINUTES", 60) * 60
# ... and, however active, this long after their log-in (core.two_factor.SecondFactorMiddleware)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# preloading is a decision for the owner of the whole domain (e.g. langson.gov.vn), not for one
# application on a sub-domain: off unless set, and its deploy-check warning silenced below
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)  # a reverse proxy in front sets X-Forwarded-For/-Proto
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, in every environment so that the browser tests see what production
# sends: scripts only from our own static files (no inline script, no eval); inline styles stay
# allowed (progress bars set their width, htmx its indicator style); nothing may frame the app.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]  # the interface is Vietnamese for everyone; msgids are English
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Evidence files live outside any public path; they are served by a view after an access check.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Stored files (core.storage): MEDIA_ROOT (shared by NFS between app machines), or with
# FILE_STORAGE=s3 a private bucket of any S3-compatible object storage (django-storages).
FILE_STORAGE = env("FILE_STORAGE", "local")
if FILE_STORAGE == "s3":
    if not env("S3_BUCKET"):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL outside AWS)")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            "location": env("S3_PREFIX"),
            "addressing_style": env("S3_ADDRESSING_STYLE") or None,  # "path" for many non-AWS services
            "default_acl": None,  # the bucket's own (private) policy; files are only served by the app
            "querystring_auth": True,
            "file_overwrite": True,  # names are content hashes or ids; a progress file is replaced whole
        },
    }
elif FILE_STORAGE != "local":
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, not {FILE_STORAGE!r}")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

MAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": MAIL_BACKEND}}
if MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cchc@localhost")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# The cache holds rate-limit counters and the portal's cached figures. Several app processes must
# share it: CACHE_URL=db (a table in the database, `createcachetable`, the production default) or
# locmem (one process, the development default).
CACHE_URL = env("CACHE_URL", "db" if PRODUCTION else "locmem")
if CACHE_URL == "db":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cchc_cache"}}
elif CACHE_URL == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be db or locmem, not {CACHE_URL!r}")

# Plan monitoring rules (docs/risk-rules.md).
REMINDER_DAYS_BEFORE = [int(x) for x in env_list("REMINDER_DAYS_BEFORE", "7,3,1")]
STALE_AFTER_WORKING_DAYS = env_int("STALE_AFTER_WORKING_DAYS", 10)
DUE_SOON_WORKING_DAYS = env_int("DUE_SOON_WORKING_DAYS", 7)
WORKER_INTERVAL_SECONDS = env_int("WORKER_INTERVAL_SECONDS", 60)
# A job's claim is beaten at least this often; one not beaten for WORKER_STALE_SECONDS belongs to a
# worker that died and is taken over (core.jobs).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 20)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120)
# Administrators' Word templates render in a child process with these limits (core.sandbox): CPU
# seconds, memory beyond the child's start (MB), wall-clock seconds. A full periodic report takes
# about 0.1 s and 5 MB; the review's 36 KB template took 4 s and 495 MB.
TEMPLATE_CPU_SECONDS = env_int("TEMPLATE_CPU_SECONDS", 20)
TEMPLATE_MEMORY_MB = env_int("TEMPLATE_MEMORY_MB", 256)
TEMPLATE_TIMEOUT_SECONDS = env_int("TEMPLATE_TIMEOUT_SECONDS", 60)
# An uploaded dossier file is read and checked in a child process with these limits (a million
# rows take a few minutes of CPU); the wall clock includes the database writes it waits for.
IMPORT_PARSE_CPU_SECONDS = env_int("IMPORT_PARSE_CPU_SECONDS", 900)
IMPORT_PARSE_MEMORY_MB = env_int("IMPORT_PARSE_MEMORY_MB", 1536)
IMPORT_PARSE_TIMEOUT_SECONDS = env_int("IMPORT_PARSE_TIMEOUT_SECONDS", 3 * 3600)
# Uploaded dossier files (applicants' personal data) are deleted when their import ends (0), or
# by the daily clean-up this many days after it ended.
IMPORT_FILE_KEEP_DAYS = env_int("IMPORT_FILE_KEEP_DAYS", 0)
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)  # local hour from which the daily e-mail digest goes out

# SIPAS survey (docs/sipas.md): receipt tokens are derived with this secret (default SECRET_KEY);
# the open link takes at most SIPAS_OPEN_LIMIT answers per client per window (a unit's counter
# link SIPAS_COUNTER_LIMIT). The count lives in the cache (Django's default, per process:
# several app processes each count apart until a shared cache is configured).
SURVEY_TOKEN_SECRET = env("SURVEY_TOKEN_SECRET", "")
SIPAS_OPEN_LIMIT = env_int("SIPAS_OPEN_LIMIT", 10)
SIPAS_COUNTER_LIMIT = env_int("SIPAS_COUNTER_LIMIT", 120)  # a unit's counter link (a shared tablet)
SIPAS_OPEN_WINDOW_SECONDS = env_int("SIPAS_OPEN_WINDOW_SECONDS", 3600)
# the public dossier status page (/tra-cuu/ho-so/<code>/) answers at most this many lookups per
# client address in the window: a citizen checks a few codes, a script walking the register stops
DOSSIER_STATUS_LIMIT = env_int("DOSSIER_STATUS_LIMIT", 30)
DOSSIER_STATUS_WINDOW_SECONDS = env_int("DOSSIER_STATUS_WINDOW_SECONDS", 600)
# Feedback (PAKN) deadlines in working days, defaulting to the national portal's (feedback_pakn.md §4)
FEEDBACK_REJECT_DAYS = env_int("FEEDBACK_REJECT_DAYS", 2)
FEEDBACK_INFO_DAYS = env_int("FEEDBACK_INFO_DAYS", 5)
FEEDBACK_FORWARD_DAYS = env_int("FEEDBACK_FORWARD_DAYS", 5)
FEEDBACK_ANSWER_DAYS = env_int("FEEDBACK_ANSWER_DAYS", 15)
FEEDBACK_PUBLISH_DAYS = env_int("FEEDBACK_PUBLISH_DAYS", 2)
# Public feedback with an e-mail address waits for the sender to confirm it (link by e-mail)
FEEDBACK_CONFIRM_EMAIL = env_bool("FEEDBACK_CONFIRM_EMAIL", False)
# calendar days after publication during which the sender may rate the answer; then it is closed
FEEDBACK_RATING_DAYS = env_int("FEEDBACK_RATING_DAYS", 30)
# the public feedback form takes at most FEEDBACK_BURST_LIMIT submissions per client address in
# FEEDBACK_BURST_WINDOW_SECONDS, and FEEDBACK_DAILY_LIMIT in a day (429 with Retry-After beyond)
FEEDBACK_BURST_LIMIT = env_int("FEEDBACK_BURST_LIMIT", 5)
FEEDBACK_BURST_WINDOW_SECONDS = env_int("FEEDBACK_BURST_WINDOW_SECONDS", 600)
FEEDBACK_DAILY_LIMIT = env_int("FEEDBACK_DAILY_LIMIT", 20)
# LibreOffice for PDF output (reports.pdf); empty: soffice or libreoffice on the PATH
SOFFICE = env("SOFFICE", "")
SIPAS_VISIT_SECONDS = env_int("SIPAS_VISIT_SECONDS", 4 * 3600)  # a receipt link's visit, opened to sent

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"survey_query": {"()": "surveys.logs.DropSurveyQuery"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["survey_query"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
