"""Settings for Evidence Locker, all from the environment.

With nothing set, the project boots on the embedded default: SQLite, files and a
server-less Celery broker under DATA_DIR. DATABASE_URL, REDIS_URL and MEDIA_ROOT switch to
the scaled setup. Every variable is listed, with its default, in .env.example and the README.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var"))).resolve()
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "files"))).resolve()


def _secret_key() -> str:
    """Use SECRET_KEY, or keep a generated one in DATA_DIR so restarts keep sessions."""
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "evidence.common",
    "evidence.accounts",
    "evidence.custody",
    "evidence.cases",
    "evidence.storage",
    "evidence.intake",
    "evidence.events",
    "evidence.imports",
    "evidence.ocr",
    "evidence.search",
    "evidence.twins",
    "evidence.analysis",
    "evidence.reports",
    "evidence.submissions",
    "evidence.sharing",
]

MIDDLEWARE = [
    "evidence.common.middleware.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "evidence.common.middleware.ContentSecurityPolicyMiddleware",
    "evidence.common.middleware.NoStoreMiddleware",
]

# Peers whose X-Forwarded-For names the client: the buffering front (nginx) on this machine or on
# gunicorn's Unix socket (""); docker-compose.yml sets "*" (only its nginx can reach the web service).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["", "127.0.0.1", "::1"])
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "signed-in"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'evidence.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(env_str("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker share the file: wait for the writer instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        # WAL lets pages read while a job writes; a bigger page cache keeps a 100k-row
        # import's index inserts in memory. Commits still fsync (synchronous stays FULL).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA cache_size=-32768;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
QUEUE_DIR = DATA_DIR / "queue"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A job whose worker died unacknowledged is handed to another worker after this long.
    # It must exceed the longest job (an import may take IMPORT_TIME_LIMIT).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("BROKER_VISIBILITY_TIMEOUT", 7200)}
    CACHES = {
        "default": {
            "BACKEND": "evidence.common.cache.ResilientRedisCache",  # the site stays up when Redis is down
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "KEY_PREFIX": env_str("CACHE_PREFIX", "evidence"),
        }
    }
else:
    # kombu's filesystem transport needs no server; web and worker share QUEUE_DIR.
    CELERY_BROKER_URL = "filesystem://"
    # The transport does not create its folders, and web or worker may start first.
    for _folder in ("messages", "control"):
        (QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "messages"),
        "data_folder_out": str(QUEUE_DIR / "messages"),
        "control_folder": str(QUEUE_DIR / "control"),
        "store_processed": False,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "evidence")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a killed worker's job is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT", 660)
# One limit per kind of long job (evidence.common.jobs), in seconds: the task stops there (its soft
# limit; the worker kills it a minute later) and a job stopped so says this number to the user.
IMPORT_TIME_LIMIT = env_int("IMPORT_TIME_LIMIT", 3600)  # a backup of hundreds of MB
BUNDLE_TIME_LIMIT = env_int("BUNDLE_TIME_LIMIT", 600)  # verify, render, sign and pack a case
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job's message can be lost (the broker was down when it was sent): the sweeper sends again every
# job that has waited for a worker longer than JOB_STALE_AFTER, at most once per JOB_RESEND_AFTER.
SWEEP_INTERVAL = env_int("SWEEP_INTERVAL", 60)
JOB_STALE_AFTER = env_int("JOB_STALE_AFTER", 120)
JOB_RESEND_AFTER = env_int("JOB_RESEND_AFTER", 600)
HEARTBEAT_INTERVAL = env_int("HEARTBEAT_INTERVAL", 30)  # seconds between a running job's signs of life
CELERY_BROKER_CONNECTION_TIMEOUT = 2  # seconds: a request that queues a job must not hang on a dead broker
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "evidence.common.tasks.sweep_jobs", "schedule": SWEEP_INTERVAL},
    "verify-storage": {
        "task": "evidence.intake.tasks.verify_storage_task",
        "schedule": env_int("STORAGE_CHECK_INTERVAL_HOURS", 24) * 3600,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- Files ----------------------------------------------------------------------------
# Originals and derived files: the folder MEDIA_ROOT (the embedded default), or an S3-compatible
# store when S3_BUCKET is set (evidence/storage/s3.py). Jobs' scratch files stay on local disk.
S3_BUCKET = env_str("S3_BUCKET", "")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "")  # empty: AWS itself
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY", "")
S3_REGION = env_str("S3_REGION", "us-east-1")
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")  # "path" or "virtual"
S3_PART_MB = env_int("S3_PART_MB", 8)  # an original goes up in parts this large, 3 at a time (S3's minimum is 5)
SCRATCH_ROOT = env_str("SCRATCH_ROOT", "")  # local folder for uploads in flight and jobs' work; MEDIA_ROOT/tmp if empty
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 512 * 1024 * 1024)
TOKEN_DAYS = env_int("TOKEN_DAYS", 30)  # a device unused this long must sign in again
JOBS_IN_FLIGHT_PER_USER = env_int("JOBS_IN_FLIGHT_PER_USER", 3)  # imports, and bundles, queued or running per account
UPLOADS_PER_MINUTE = env_int("UPLOADS_PER_MINUTE", 120)  # files per account and minute (the app's queue waits)
STORAGE_MIN_FREE_MB = env_int("STORAGE_MIN_FREE_MB", 512)  # /healthz says "low" (503) under this much free space
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 64_000_000)
THUMBNAIL_SIZE = env_int("THUMBNAIL_SIZE", 512)
# Text recognition of screenshots and photos (evidence/ocr): tesseract from Debian's
# tesseract-ocr and tesseract-ocr-chi-sim; "none" turns it off (items say "unavailable").
OCR_ENGINE = env_str("OCR_ENGINE", "tesseract")
OCR_LANGUAGES = env_str("OCR_LANGUAGES", "chi_sim+eng")
OCR_TIME_LIMIT = env_int("OCR_TIME_LIMIT", 120)  # seconds for one picture; then the item says "failed"
OCR_PDF_PAGES = env_int("OCR_PDF_PAGES", 20)  # a PDF's pages without a text layer read, at most
FILE_UPLOAD_PERMISSIONS = 0o440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100

# --- Signing and timestamps (report PDFs and packets) ---------------------------------
# Without a key and certificate the server makes its own on first use, under DATA_DIR/signing.
SIGNING_KEY_PATH = env_str("SIGNING_KEY_PATH", "")
SIGNING_CERT_PATH = env_str("SIGNING_CERT_PATH", "")
SIGNING_CA_PATH = env_str("SIGNING_CA_PATH", "")
SIGNING_NAME = env_str("SIGNING_NAME", "")
TSA_URL = env_str("TSA_URL", "")  # an RFC 3161 timestamp authority; none by default
TSA_CA_PATH = env_str("TSA_CA_PATH", "")  # its root certificate, shipped in packets as certs/tsa-ca.pem
# Rows of the call and message tables printed in the report (all of them are in the packet's CSV):
# laying out a table row costs the PDF renderer about 8 ms.
REPORT_TABLE_ROWS = env_int("REPORT_TABLE_ROWS", 1500)
# The public verification page (/verify/, no sign-in): what a stranger may send it. Nothing sent
# there is kept. The unpacked bound is what stops a ZIP bomb: each entry is read at most to its
# declared size, so the sum of those sizes bounds the work one request can cause.
VERIFY_UPLOAD_MAX_BYTES = env_int("VERIFY_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
VERIFY_MAX_ENTRIES = env_int("VERIFY_MAX_ENTRIES", 50_000)
VERIFY_MAX_UNPACKED_BYTES = env_int("VERIFY_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024)
VERIFY_LIMIT_PER_HOUR = env_int("VERIFY_LIMIT_PER_HOUR", 30)  # checks per client address and hour

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The phone app (frontend/public/) is served by WhiteNoise from the site's root: `/` is its
# index.html, `/sw.js` its service worker (whose scope must be the root), `/manifest.webmanifest`.
WHITENOISE_ROOT = BASE_DIR / "frontend" / "public"
WHITENOISE_INDEX_FILE = True
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}


def _app_shell_headers(headers, path, url):
    from evidence.common.middleware import app_shell_headers  # settings cannot import the app at load time

    app_shell_headers(headers, path, url)


WHITENOISE_ADD_HEADERS_FUNCTION = _app_shell_headers
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "evidence" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"  # stored times are UTC; each case carries the time zone to show them in
USE_TZ = True

# --- API ------------------------------------------------------------------------------
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)  # borrowers may open their own accounts (POST /api/auth/signup/)
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 10)  # new accounts per client address and hour
# E-mail: invitations to lawyers and invitees, and the borrower's first-access notice. With no
# EMAIL_HOST the messages are written to the console (make run shows the invitation links there).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Evidence Locker <no-reply@localhost>")
SITE_URL = env_str("SITE_URL", "")  # e.g. https://evidence.example.org; links in e-mails (else the request's host)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)  # an invitation link works once, for at most this long
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 900)
# Two-factor sign-in (django-otp): the name authenticator apps show next to the account.
OTP_TOTP_ISSUER = "Evidence Locker"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "evidence.accounts.authentication.ApiTokenAuthentication",  # one token per signed-in device, stored hashed
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "evidence.common.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Evidence Locker API",
    "DESCRIPTION": "证据柜: store, verify and package evidence of debt-collection harassment.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every error answer too, each with the one Error schema (evidence/common/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "evidence.common.schema.document_errors",
    ],
    # Served by us: no third-party requests, and nothing for the CSP to allow.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several fields share a name but not their choices; give each set its own name.
    "ENUM_NAME_OVERRIDES": {
        "EventChannelEnum": "evidence.events.models.Channel",
        "CallChannelEnum": "evidence.events.models.CALL_CHANNEL_CHOICES",
        "MessageChannelEnum": "evidence.events.models.MESSAGE_CHANNEL_CHOICES",
        "ContactChannelEnum": "evidence.cases.models.ContactChannel",
        "NumberRoleEnum": "evidence.cases.models.Role",
        "ThirdPartyRelationEnum": "evidence.cases.parties_api.THIRD_PARTY_RELATIONS",
        "SubmissionChannelEnum": "evidence.submissions.models.Channel",
        "SubmissionStatusEnum": "evidence.submissions.models.SubmissionStatus",
        "TimeSourceEnum": "evidence.intake.models.TimeSource",
        "SearchHitKindEnum": "evidence.search.api.HIT_KINDS",
        "KindEnum": "evidence.intake.models.Kind",
    },
}

# --- Security -------------------------------------------------------------------------
HTTPS = env_bool("HTTPS", False)  # the site is served over HTTPS (directly or by a proxy)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI and ReDoc ship their own inline bootstrap; only /api/docs/ relaxes this.
CONTENT_SECURITY_POLICY_DOCS = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# LOG_LEVEL: the least severe messages logged. INFO by default, so a deployment's logs keep
# each request, job and import; `make run` starts with WARNING to keep its console readable.
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in _LOG_LEVELS:
    raise ImproperlyConfigured(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The filesystem transport has no host; kombu warns about that on every connection.
        "kombu.connection": {"level": "ERROR"},
        # WeasyPrint logs every layout step and page of every PDF at INFO (hundreds of lines
        # per bundle): only LOG_LEVEL=DEBUG shows them. Its warnings and errors always show.
        "weasyprint.progress": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"},
    },
}
