"""Django settings, all from the environment (see fixfirst.config and docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from fixfirst import config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("FIXFIRST_DEBUG", False)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address, used in links inside mails and one-click URLs.
BASE_URL = (config.env_str("FIXFIRST_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "fixfirst.core",
    "fixfirst.tenancy",
    "fixfirst.audit",
    "fixfirst.catalog",
    "fixfirst.incidents",
    "fixfirst.notify",
    "fixfirst.inbound",
    "fixfirst.alerting",
    "fixfirst.comms",
    "fixfirst.statuspage",
    "fixfirst.oncall",
    "fixfirst.major",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fixfirst.core.middleware.RequestIdMiddleware",
    "fixfirst.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "fixfirst.urls"
WSGI_APPLICATION = "fixfirst.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fixfirst.core.context_processors.navigation",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = config.env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fixfirst.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writer takes the lock when its transaction starts, so two writers
        # queue on busy_timeout instead of failing mid-transaction with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work (Django Tasks API, durable rows in the same database) -----------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A ready task older than this means no worker is keeping up: /readyz reports it.
FIXFIRST_QUEUE_MAX_LAG_SECONDS = config.env_int("FIXFIRST_QUEUE_MAX_LAG_SECONDS", 300)

# --- incidents ----------------------------------------------------------------------------
# Incidents at these priorities page the on-call engineer (docs/oncall.md); a P1 also
# declares a major incident unless FIXFIRST_MAJOR_AUTO_P1 is off (docs/major-incidents.md).
FIXFIRST_PAGING_PRIORITIES = frozenset(
    int(p) for p in config.env_list("FIXFIRST_PAGING_PRIORITIES", ["1", "2"])
)
FIXFIRST_MAJOR_AUTO_P1 = config.env_bool("FIXFIRST_MAJOR_AUTO_P1", True)
FIXFIRST_REOPEN_DAYS = config.env_int("FIXFIRST_REOPEN_DAYS", 14)
FIXFIRST_AUTO_CLOSE_DAYS = config.env_int("FIXFIRST_AUTO_CLOSE_DAYS", 5)
FIXFIRST_ATTACHMENT_MAX_BYTES = config.env_int("FIXFIRST_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
FIXFIRST_ATTACHMENT_TYPES = frozenset(
    config.env_list(
        "FIXFIRST_ATTACHMENT_TYPES",
        [
            "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
            "text/plain", "text/csv", "application/json", "application/zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "message/rfc822",
        ],
    )
)  # fmt: skip
# Replies to incident mails go here; FixFirst reads this mailbox over IMAP (see docs/email.md).
FIXFIRST_INBOUND_ADDRESS = config.env_str("FIXFIRST_INBOUND_ADDRESS", "")
IMAP_HOST = config.env_str("IMAP_HOST", "")
IMAP_PORT = config.env_int("IMAP_PORT", 993)
IMAP_USER = config.env_str("IMAP_USER", "")
IMAP_PASSWORD = config.env_str("IMAP_PASSWORD", "")
IMAP_SSL = config.env_bool("IMAP_SSL", True)
IMAP_FOLDER = config.env_str("IMAP_FOLDER", "INBOX")
FIXFIRST_INBOUND_MAX_BYTES = config.env_int("FIXFIRST_INBOUND_MAX_MB", 15) * 1024 * 1024

# --- alerting -----------------------------------------------------------------------------
FIXFIRST_INGEST_MAX_BYTES = config.env_int("FIXFIRST_INGEST_MAX_KB", 1024) * 1024

# --- status pages -------------------------------------------------------------------------
# When set, every change to a public status page re-exports it as static files into <dir>/<slug>/.
FIXFIRST_STATUSPAGE_EXPORT_DIR = config.env_str("FIXFIRST_STATUSPAGE_EXPORT_DIR")
# Outbound webhooks to private/loopback addresses are refused (SSRF guard) unless allowed.
# Outbound channels (docs/notifications.md): the SMS gateway's request template as JSON (it may
# hold an API key: FIXFIRST_SMS_GATEWAY_FILE works too), and the ntfy server for bare topics.
FIXFIRST_SMS_GATEWAY = config.env_str("FIXFIRST_SMS_GATEWAY")
FIXFIRST_NTFY_SERVER = config.env_str("FIXFIRST_NTFY_SERVER", "https://ntfy.sh")
FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = config.env_bool("FIXFIRST_ALLOW_PRIVATE_WEBHOOKS", False)

# --- auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*"]
ACCOUNT_ADAPTER = "fixfirst.tenancy.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- email --------------------------------------------------------------------------------
EMAIL_HOST = config.env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = config.env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = config.env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = config.env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = config.env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", "FixFirst <fixfirst@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Without an SMTP host configured the embedded mode writes mails to the data directory,
# so the demo works on a machine with no mail server.
if config.env_str("EMAIL_HOST") is None:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = config.env_str("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# --- static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders too, so `fixfirst up` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fixfirst.tenancy.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "fixfirst.tenancy.tokens.TokenScopePermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fixfirst.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FixFirst API",
    "DESCRIPTION": "Incident management and service continuity. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `fixfirst token create`).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
