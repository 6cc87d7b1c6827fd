"""Settings, read from the environment.

ZHIJIAN_MODE selects the posture: ``production`` (default) refuses to start without SECRET_KEY;
``demo`` (what ``make demo`` sets) keeps a generated key under ``var/``; ``test`` is the test suite.
DEBUG is off unless ZHIJIAN_DEBUG=1.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("ZHIJIAN_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("ZHIJIAN_VAR", PROJECT_DIR / "var"))

MODE = os.environ.get("ZHIJIAN_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"ZHIJIAN_MODE must be production, demo or test, not {MODE!r}")

DEBUG = os.environ.get("ZHIJIAN_DEBUG") == "1"


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if MODE == "test":
        return secrets.token_urlsafe(50)
    if MODE == "demo":
        # A demo install keeps a key of its own, generated once; never a key written in code.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path = VAR_DIR / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment (ZHIJIAN_MODE=production).")


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "zhijian.core",
    "zhijian.registry",
    "zhijian.credit",
    "zhijian.portal",
    "zhijian.demo",
    "zhijian.inspections",
    "zhijian.sampling",
    "zhijian.complaints",
    "zhijian.warnings",
    "zhijian.equipment",
    "zhijian.quality",
    # The plan cockpit reads every other app (its demo computes their indicators): last.
    "zhijian.indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "zhijian.core.uploads.UploadLimitMiddleware",  # before CSRF, the first to read a body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhijian.core.params.InputGuardMiddleware",  # a NUL byte in a parameter: 400
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhijian.core.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "zhijian.core.middleware.NoStoreForUsersMiddleware",
    "axes.middleware.AxesMiddleware",
    "zhijian.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "zhijian.urls"
WSGI_APPLICATION = "zhijian.wsgi.application"

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
                "zhijian.core.nav.navigation",
                "zhijian.core.nav.site",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'zhijian.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["zhijian.core.auth.LoginThrottleBackend", "zhijian.core.auth.ScopedUserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

if MODE == "test":
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["zhijian.formats"]  # figures with thousands separators (formats/zh_Hans)
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if MODE == "test"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = MODE == "test"

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("ZHIJIAN_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend",
    }
}

# Sessions are read from the process's cache and written through to the database: a page needs no
# session query once the process has seen the session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Workbench and overview counts are kept this many seconds per user (core/summaries.py: at most 30;
# the page says when they were counted); tests count every time.
SUMMARY_CACHE_SECONDS = 0 if MODE == "test" else int(os.environ.get("ZHIJIAN_SUMMARY_CACHE_SECONDS", "30"))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if MODE == "production":
    SECURE_SSL_REDIRECT = os.environ.get("ZHIJIAN_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("ZHIJIAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

from zhijian.security_settings import settings_for  # noqa: E402

globals().update(settings_for(MODE, VAR_DIR))  # audit signing key, login throttling, CSP, cookies

# Upload limits: register imports stream from a temporary file, never from memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Bytes of files one upload may carry, per kind (core/uploads.py); refused before anything is written.
UPLOAD_LIMITS = {
    "registry.import": int(os.environ.get("ZHIJIAN_UPLOAD_REGISTRY_MB", "400")) << 20,
    "sampling.results_import": int(os.environ.get("ZHIJIAN_UPLOAD_RESULTS_MB", "100")) << 20,
    "sampling.evidence": 20 << 20,
    "credit.repair_evidence": 60 << 20,  # up to 10 files of 10 MB each are refused one by one
    "inspections.photo": 50 << 20,  # several photos of one visit; each one at most 10 MB
    "indicators.evidence": 20 << 20,  # the evidence of a reported value or a task's progress
    "warnings.source_file": int(os.environ.get("ZHIJIAN_UPLOAD_WARNINGS_MB", "100")) << 20,  # an outside feed
    "complaints.import": int(os.environ.get("ZHIJIAN_UPLOAD_COMPLAINTS_MB", "200")) << 20,  # a 12315 export
    "equipment.import": int(os.environ.get("ZHIJIAN_UPLOAD_EQUIPMENT_MB", "200")) << 20,  # provincial export
    "quality.standards_import": 100 << 20,  # a national list of 120,000 standards is about 15 MB as CSV
    "default": 20 << 20,  # any other form with a file (the admin's)
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHIJIAN_LOG_LEVEL", "WARNING")},
    "loggers": {"zhijian": {"level": os.environ.get("ZHIJIAN_LOG_LEVEL", "INFO")}},
}

# Rows an Excel export may carry; past it the user is asked to narrow the filter.
EXPORT_MAX_ROWS = int(os.environ.get("ZHIJIAN_EXPORT_MAX_ROWS", "100000"))
EXPORT_INLINE_ROWS = int(os.environ.get("ZHIJIAN_EXPORT_INLINE_ROWS", "5000"))  # larger: a background job

# Event relay (core/events.py): a delivery is retried with doubling waits from EVENTS_BACKOFF_BASE
# seconds up to EVENTS_BACKOFF_MAX, and dead-lettered after EVENTS_MAX_ATTEMPTS failures.
EVENTS_MAX_ATTEMPTS = int(os.environ.get("ZHIJIAN_EVENTS_MAX_ATTEMPTS", "10"))
EVENTS_BACKOFF_BASE = float(os.environ.get("ZHIJIAN_EVENTS_BACKOFF_BASE", "2"))
EVENTS_BACKOFF_MAX = float(os.environ.get("ZHIJIAN_EVENTS_BACKOFF_MAX", "3600"))

# The public site's identity (页面标识): shown in the header and footer of every page.
SITE = {
    "organiser": os.environ.get("ZHIJIAN_SITE_ORGANISER", "宁波市市场监督管理局"),
    "contact": os.environ.get("ZHIJIAN_SITE_CONTACT", "12315"),
    "site_code": os.environ.get("ZHIJIAN_SITE_CODE", ""),  # 网站标识码
    "icp": os.environ.get("ZHIJIAN_SITE_ICP", ""),  # ICP备案号
    "police_record": os.environ.get("ZHIJIAN_SITE_POLICE_RECORD", ""),  # 公安机关备案号
}

# Public 12315 form and tracking: submissions per client and minute (complaints/forms.py).
COMPLAINTS_RATE_LIMITS = {"file": int(os.environ.get("ZHIJIAN_INTAKE_PER_MINUTE", "10")), "track": 30}
