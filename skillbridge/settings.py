"""SkillBridge settings, read from the environment (12-factor).

Every value has a default that makes a first run work with nothing but
Python: a SQLite file, console e-mail, DEBUG on and Celery tasks run eagerly
in the web process when REDIS_URL is unset. Production is the same code with
different environment values; see the configuration table in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from skillbridge.log_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional and never committed.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# The fallback key is only for a first run on a laptop; production must set
# SECRET_KEY, and refuses to start without one.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    # The audit trail: PostgreSQL triggers record changes to audited models (people/audit.py).
    "pgtrigger",
    "pghistory",
    "skillbridge",
    "people",
    "catalog",
    "assessments",
    "devplans",
    "reports",
]

MIDDLEWARE = [
    # One log line per request with a request id (X-Request-ID); first, so it times and sees everything.
    "skillbridge.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (static files included).
    "csp.middleware.CSPMiddleware",
    "skillbridge.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL byte in the path, query string or a form field is answered 400 before any view sees it.
    "skillbridge.middleware.RejectNulBytesMiddleware",
    # The database not answering (down, restarting) is a 503 page with Retry-After, never a stack trace.
    "skillbridge.db_unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail: the user and path go with every change the triggers record (PostgreSQL only).
    "reports.audit_middleware.AuditMiddleware",
    # Deny by default: every view needs a login unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a session past SESSION_COOKIE_AGE or idle for SESSION_IDLE_TIMEOUT (after messages: it says why).
    "skillbridge.middleware.SessionExpiryMiddleware",
    # A form posted twice with one submit token (a double click) is handled once (needs user and messages).
    "skillbridge.submit_once.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skillbridge.urls"

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
                "skillbridge.context_processors.roles",
            ],
        },
    },
]

# Widgets inside the (Django) templates are rendered with Django's Jinja2 widget templates: the same
# markup at a fraction of the cost (skillbridge/form_renderer.py).
FORM_RENDERER = "skillbridge.form_renderer.JinjaWidgets"

WSGI_APPLICATION = "skillbridge.wsgi.application"

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the dashboard's grouped subqueries on every request (~0.5 s of
    # compiling for a few ms of work); these pages are short OLTP queries, so it only costs time.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The first-run mode serves several requests at once (autosaves from several sections, a page load):
    # WAL lets readers go on while one request writes, a writer waits up to 20 s for another instead of
    # failing, and IMMEDIATE takes the write lock when a transaction starts, so two transactions never
    # both read and then both try to upgrade to writing ("database is locked" without waiting).
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user/address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for the
# same user name from the same address, that pair is locked for the cool-off.
# Locking on the pair means an attacker elsewhere cannot lock a real user out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# --- Sessions and cookies -------------------------------------------------
# Absolute expiry: a session ends SESSION_COOKIE_AGE after sign-in, however busy. Django's own expiry
# moves on whenever the session is saved, so skillbridge/middleware.py keeps the sign-in time and ends the
# session there; requests alone never save it (SESSION_SAVE_EVERY_REQUEST off).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)  # a working day
SESSION_SAVE_EVERY_REQUEST = False
# Idle expiry (skillbridge/middleware.py): no request for this many seconds signs the session out.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features no page uses are switched off for the page and anything it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Content-Security-Policy (django-csp): scripts, styles, images, fonts and requests come from this site
# only. No template has an inline script, event handler or style attribute (data for charts is a
# json_script block, which browsers never run); htmx's own indicator <style> is switched off in
# base.html and its two rules live in static/css/skillbridge.css. The one inline <style> is the 500
# page's, which must not depend on static files: it is allowed by its hash (a test keeps the two equal).
# Bootstrap's CSS draws its icons (select arrows, check marks) from data: SVGs, hence img-src data:.
ERROR_PAGE_STYLE_HASH = "'sha256-G/BjYXJSEa0hbND9my4pfanmfO9glJYeWIAZxf9kiuY='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, ERROR_PAGE_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # A load balancer probes over plain HTTP: the health and readiness answers are not redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Uploads --------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ORG_IMPORT_MAX_BYTES = env.int("ORG_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
COURSE_IMPORT_MAX_BYTES = env.int("COURSE_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Files the app writes (background exports, under exports/). Never served as static files: a view checks
# who asks. Several web servers and workers need a shared directory here (or another storage backend).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# An export with more rows than this is prepared in the background (reports/tasks.py) rather than streamed.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=50_000)

# --- E-mail ---------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587; console by default.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A backend class by its dotted path, for what EMAIL_URL cannot name (bench/null_mail.py, say).
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SkillBridge <skillbridge@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
ADMINS = [("Admin", a) for a in env.list("ADMINS", default=[])]
# Links in e-mails are absolute: scheme and host of the site as people reach it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Cache ----------------------------------------------------------------
# The dashboards' figures are kept here between page views (reports/dashboard_cache.py). In
# production CACHE_URL names a Redis (redis://host:6379/1, a database apart from Celery's) so
# every web process shares one cache; a Redis that is down is a miss, never an error, and
# answers in at most a fifth of a second. Without CACHE_URL each process has its own memory.
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "skillbridge",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Celery ---------------------------------------------------------------
# Without REDIS_URL, tasks run eagerly inside the calling process, so a first
# run needs no broker and no worker.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TIMEZONE = TIME_ZONE
# An e-mail claimed longer ago than this (seconds) was claimed by a worker that stopped: the sweep takes
# it back and sends it. It must be longer than a task may live (the hard time limit).
OUTBOX_RELEASE_AFTER = env.int("OUTBOX_RELEASE_AFTER", default=CELERY_TASK_TIME_LIMIT + 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish may not hang a web request: bounded retries, short timeouts.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# The schedule lives here; the later issues add reminders, surveys and sweeps.
CELERY_BEAT_SCHEDULE: dict = {
    # E-mails whose task was lost (broker down, worker died before it started) go out within a minute or two.
    "send-pending-emails": {"task": "people.tasks.send_pending_emails", "schedule": 60.0},
    # Reminders, nudges, observation requests and digests due in any time zone where it is now morning.
    "send-due-reminders": {"task": "devplans.tasks.send_due_reminders", "schedule": 15 * 60.0},
    # Background exports whose task was lost (broker down) start within a few minutes.
    "requeue-waiting-exports": {"task": "reports.tasks.requeue_waiting_exports", "schedule": 5 * 60.0},
    # Submit tokens of forms posted more than a day ago are forgotten (skillbridge/submit_once.py).
    "forget-old-form-submissions": {"task": "skillbridge.tasks.forget_old_form_submissions", "schedule": 60 * 60.0},
}

# --- Reminders (devplans/reminders.py) ------------------------------------
REMINDER_HOUR = env.int("REMINDER_HOUR", default=8)  # local hour from which a day's messages go out
CHECKIN_REMINDER_DAYS = env.int("CHECKIN_REMINDER_DAYS", default=2)  # days before a check-in
OBSERVATION_AFTER_DAYS = env.int("OBSERVATION_AFTER_DAYS", default=14)  # after a course is completed
DIGEST_WEEKDAY = env.int("DIGEST_WEEKDAY", default=0)  # 0 = Monday
FOLLOW_UP_AFTER_DAYS = env.int("FOLLOW_UP_AFTER_DAYS", default=182)  # after a plan is agreed
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=30)  # how long a survey or observation link works

# --- Logging --------------------------------------------------------------
# Plain text for a first run; LOG_FORMAT=json gives one JSON object per line (skillbridge/log_config.py).
LOGGING = logging_config(fmt=env("LOG_FORMAT", default="text"), level=env("LOG_LEVEL", default="INFO"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Page sizes for long lists.
TEAM_PAGE_SIZE = 50
