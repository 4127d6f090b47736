"""Mosaic settings: one file, read from the environment (every variable is in `.env.example`).

Defaults give a complete local run (SQLite, local files, the database task queue, email written to
`var/mail/`). `DATABASE_URL`, `REDIS_URL` and the storage variables switch to the growth setup with
the same code. `MOSAIC_ENV=production` turns on every production safeguard and refuses to start
without a real secret key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mosaic.lib.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MOSAIC_VAR_DIR", str(BASE_DIR / "var")))

MOSAIC_ENV = env_choice("MOSAIC_ENV", ("development", "production"), "development")
PRODUCTION = MOSAIC_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on when MOSAIC_ENV=production")

_DEV_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set to 50+ random characters in production")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# The service's name in emails and pages ("Hello from Mosaic"), never the host's address.
SITE_NAME = env_str("SITE_NAME", "Mosaic")
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mosaic.web",
    "mosaic.accounts",
    "mosaic.mail",
    "mosaic.panel",
    "mosaic.jobs",
    "mosaic.privacy",
    "mosaic.staff",
    "mosaic.legal",
    "mosaic.transparency",
    "mosaic.moderation",
    "mosaic.controller",
    "mosaic.operators",
    "mosaic.photos",
    "mosaic.profiles",
    "mosaic.posts",
    "mosaic.websites",
    "mosaic.organizations",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mosaic.accounts.middleware.remember_language",  # mail in the person's language
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "mosaic.panel.middleware.QuarantineMiddleware",
    "mosaic.organizations.middleware.SuspendedMemberMiddleware",  # C8: suspended members
]

# WhiteNoise serves /static/ in development too: Granian has no staticfiles handler ("Files").
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "mosaic.urls"
WSGI_APPLICATION = "mosaic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mosaic" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mosaic.web.context_processors.interface",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default, tuned for several processes (web, worker, scheduler) writing at once:
# WAL lets readers proceed during a write, IMMEDIATE transactions take the write lock up front
# so two writers queue instead of deadlocking, and the timeout makes them wait, not fail.
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000;"
    ),
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "mosaic.sqlite3"),
            # Kept open between requests, as on PostgreSQL: opening one (and its PRAGMAs) cost
            # ~1.2 ms, ten times a whole statistics click (python -m bench stats).
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # A file, not memory, so a worker process started by a test sees the test database.
            "TEST": {"NAME": str(VAR_DIR / "test-mosaic.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits and the task queue ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mosaic",
            "KEY_FUNCTION": "mosaic.lib.caching.keyed_key",  # P03: no address in any key
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS += ["django_rq"]
else:
    # The database cache is shared by every process, so rate limits hold across web workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mosaic_cache",
            "KEY_FUNCTION": "mosaic.lib.caching.keyed_key",  # P03: no address in any key
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "panel:home"
ACCOUNT_ADAPTER = "mosaic.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "mosaic.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # P19: security emails on password and email changes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # P32
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_BLACKLIST = ["admin", "root", "mosaic", "support", "security", "staff"]
# Enumeration prevention: signing up with a taken email looks like success to the visitor, and
# the address's owner gets an email saying an account already exists (P11, privacy first).
ACCOUNT_PREVENT_ENUMERATION = True
# --- Proxies (docs/operations.md "nginx") ------------------------------------------------------
# How many proxies in front of the app append to X-Forwarded-For (nginx: 1). The visitor's
# address is the entry that many from the end; 0 trusts only the socket. The one setting read
# by rate limits and security logs (allauth) and statistics (P11, P19, P12).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# A wrong password counts against the address (10 a minute) and against the account (5 in 5
# minutes); attempts from a device or network the account already knows count in a bucket of
# their own, so nobody elsewhere can lock the owner out (accounts.adapter, P11).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Browsers allow WebAuthn on http://localhost and 127.0.0.1; fido2 needs telling in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_TOTP_ISSUER = "Mosaic"
USERSESSIONS_TRACK_ACTIVITY = True

# --- Sessions and cookies (P13: only what login and security need) ---------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mosaic <no-reply@mosaic.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MODE = env_choice("EMAIL_MODE", ("outbox", "smtp"), "smtp" if PRODUCTION else "outbox")
if EMAIL_MODE == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "mosaic.lib.outbox.OutboxEmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Every email goes through mosaic.mail (docs/architecture.md, "Email"): one subject prefix, a
# delivery record per message, retries with back-off. The records (address, subject, outcome)
# are deleted this many days after the message was written; the text goes once it is sent.
MAIL_SUBJECT_PREFIX = env_str("MAIL_SUBJECT_PREFIX", "[Mosaic]")
MAIL_DELIVERY_DAYS = env_int("MAIL_DELIVERY_DAYS", 30, minimum=1)

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "mosaic" / "locale"]
# English dates read "1 December 2026, 05:13" everywhere (mosaic/formats/en/formats.py).
FORMAT_MODULE_PATH = ["mosaic.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "mosaic" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if PRODUCTION else 0
# Outside production WhiteNoise serves the source folders through the finders and sees edits at
# once, whatever DEBUG says (the tests run with DEBUG off and no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "mosaic.web.views.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging: no personal data (IP addresses, emails) in application logs --------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every request URL at INFO, and Instagram's API takes tokens in the query (P02).
    # fontTools (the invoice PDF's font subsetting) logs some forty lines per invoice at INFO.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Privacy: retention periods (the policy page is rendered from these same values) ----------
PRIVACY_QUARANTINE_DAYS = env_int("PRIVACY_QUARANTINE_DAYS", 180, minimum=1)  # P08
# P05: imported posts of an account with no site are deleted after this long since the import.
PRIVACY_IMPORTS_WITHOUT_SITE_DAYS = env_int("PRIVACY_IMPORTS_WITHOUT_SITE_DAYS", 30, minimum=1)
PRIVACY_SECURITY_LOG_DAYS = env_int("PRIVACY_SECURITY_LOG_DAYS", 30, minimum=1)  # P03
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7, minimum=1)  # P20: download link lifetime
PRIVACY_EXPORT_INTERVAL_HOURS = env_int("PRIVACY_EXPORT_INTERVAL_HOURS", 24, minimum=0)
# P09: profile and login data of an erased account are sealed to the security team's public key
# (base64 X25519; its private key never lives on a server) and destroyed after this many days.
PRIVACY_ARCHIVE_DAYS = env_int("PRIVACY_ARCHIVE_DAYS", 730, minimum=1)
PRIVACY_ARCHIVE_PUBLIC_KEY = env_str("PRIVACY_ARCHIVE_PUBLIC_KEY")
if PRODUCTION and not PRIVACY_ARCHIVE_PUBLIC_KEY:
    raise ImproperlyConfigured("PRIVACY_ARCHIVE_PUBLIC_KEY must be set in production (P09)")
AUDIT_LOG_DAYS = env_int("AUDIT_LOG_DAYS", 1095, minimum=365)  # P25, P34
# The self-audit checks at most this many rows of a large table per check and run, going on
# from where the last run stopped (mosaic.audit.rolling).
AUDIT_ROWS_PER_CHECK = env_int("AUDIT_ROWS_PER_CHECK", 10_000, minimum=100)

# --- Instagram ------------------------------------------------------------------------------
# Without app credentials (and outside production) every Instagram URL points at the local
# stand-in (`manage.py instagram_stand_in`), so "Connect Instagram" works offline; with
# INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET set, the defaults are the real Instagram endpoints.
INSTALLED_APPS += ["mosaic.integrations.instagram"]
INSTAGRAM_APP_ID = env_str("INSTAGRAM_APP_ID")
INSTAGRAM_APP_SECRET = env_str("INSTAGRAM_APP_SECRET")
INSTAGRAM_STAND_IN = not PRODUCTION and not (INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET)
INSTAGRAM_STAND_IN_URL = env_str("INSTAGRAM_STAND_IN_URL", "http://127.0.0.1:8001").rstrip("/")
if INSTAGRAM_STAND_IN:
    INSTAGRAM_APP_ID = INSTAGRAM_APP_ID or "mosaic-stand-in"
    INSTAGRAM_APP_SECRET = INSTAGRAM_APP_SECRET or "stand-in-secret"
_IG_URLS = (
    (INSTAGRAM_STAND_IN_URL + "/oauth/authorize", INSTAGRAM_STAND_IN_URL, INSTAGRAM_STAND_IN_URL)
    if INSTAGRAM_STAND_IN
    else (
        "https://www.instagram.com/oauth/authorize",
        "https://api.instagram.com",
        "https://graph.instagram.com",
    )
)
INSTAGRAM_AUTHORIZE_URL = env_str("INSTAGRAM_AUTHORIZE_URL", _IG_URLS[0]).rstrip("/")
INSTAGRAM_API_URL = env_str("INSTAGRAM_API_URL", _IG_URLS[1]).rstrip("/")
INSTAGRAM_GRAPH_URL = env_str("INSTAGRAM_GRAPH_URL", _IG_URLS[2]).rstrip("/")
INSTAGRAM_SCOPES = env_list("INSTAGRAM_SCOPES", ["instagram_business_basic"])
# Media are fetched only from these hosts (and their subdomains), over https, from public
# addresses. The stand-in serves over http on loopback, which only this dev-only flag allows.
INSTAGRAM_MEDIA_HOSTS = env_list(
    "INSTAGRAM_MEDIA_HOSTS",
    [urlsplit(INSTAGRAM_STAND_IN_URL).hostname or "127.0.0.1"]
    if INSTAGRAM_STAND_IN
    else ["cdninstagram.com", "fbcdn.net"],
)
INSTAGRAM_ALLOW_INSECURE_MEDIA = env_bool("INSTAGRAM_ALLOW_INSECURE_MEDIA", INSTAGRAM_STAND_IN)
if PRODUCTION and INSTAGRAM_ALLOW_INSECURE_MEDIA:
    raise ImproperlyConfigured("INSTAGRAM_ALLOW_INSECURE_MEDIA is for development only")
INSTAGRAM_MEDIA_MAX_BYTES = env_int("INSTAGRAM_MEDIA_MAX_BYTES", 200 * 1024 * 1024, minimum=1)
# P02: tokens are encrypted with their own keys, never SECRET_KEY (see mosaic/lib/crypto.py).
TOKEN_ENCRYPTION_KEYS = env_list("TOKEN_ENCRYPTION_KEYS")
if PRODUCTION and not TOKEN_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS must be set in production")

# --- Background jobs ------------------------------------------------------------------------
# Finished task results in the database queue are deleted this many days after they finish.
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 14, minimum=1)

# --- Photos (mosaic/photos, docs/images.md) --------------------------------------------------
# Originals are kept in a private store that is never served (P05); the served variants go to a
# public store. Locally both are folders; STORAGE_BACKEND=s3 puts both in S3-compatible buckets
# through django-storages (the private one should be a bucket without any public policy).
PHOTOS_PRIVATE_ROOT = env_str("PHOTOS_PRIVATE_ROOT")  # empty: "private" beside MEDIA_ROOT
_photo_widths = env_list("PHOTOS_WIDTHS", ["320", "640", "1080", "1440"])
if not _photo_widths or not all(w.isdigit() and 16 <= int(w) <= 4096 for w in _photo_widths):
    raise ImproperlyConfigured("PHOTOS_WIDTHS must be widths in pixels (16 to 4096), e.g. 320,640")
PHOTOS_WIDTHS = tuple(sorted(int(width) for width in _photo_widths))
PHOTOS_MAX_BYTES = env_int("PHOTOS_MAX_BYTES", 40 * 1024 * 1024, minimum=1)
PHOTOS_MAX_PIXELS = env_int("PHOTOS_MAX_PIXELS", 50_000_000, minimum=1)
PHOTOS_BATCH_WORKERS = env_int("PHOTOS_BATCH_WORKERS", 0, minimum=0)  # 0: one per core
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", ("local", "s3"), "local")
# P31: every served file lives in the guarded store; a copy goes to the public store (MEDIA_ROOT,
# served by nginx or the CDN) only while a public site shows it (docs/operations.md, "Media").
MEDIA_GUARDED_ROOT = env_str("MEDIA_GUARDED_ROOT")  # empty: "guarded" beside MEDIA_ROOT
# Behind nginx, the internal location that sends guarded files once the app allowed it
# (X-Accel-Redirect), e.g. /_guarded/; empty: the app streams them itself.
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT")
if MEDIA_ACCEL_REDIRECT and not (
    MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured("MEDIA_ACCEL_REDIRECT must be a path like /_guarded/")
MEDIA_GUARDED_URL_SECONDS = env_int("MEDIA_GUARDED_URL_SECONDS", 60, minimum=1)  # S3 only
# Public copies are renamed whenever they go offline and come back, so a name never changes
# content; shared caches (a CDN) keep one only briefly, so taking it offline reaches them soon.
PUBLIC_MEDIA_CACHE_CONTROL = "public, max-age=604800, s-maxage=300"
if STORAGE_BACKEND == "s3":
    _S3_OPTIONS: Any = {
        "access_key": env_str("AWS_ACCESS_KEY_ID"),
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "file_overwrite": True,
    }
    _PUBLIC_BUCKET = env_str("AWS_STORAGE_BUCKET_NAME")
    if not _PUBLIC_BUCKET:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME")
    # MEDIA_PUBLIC_BASE_URL: where the public bucket is served (a CDN), e.g. https://cdn.example
    _public_scheme, _sep, _public_domain = (
        env_str("MEDIA_PUBLIC_BASE_URL").rstrip("/").rpartition("://")
    )
    _photos_public: Any = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": _PUBLIC_BUCKET,
            "querystring_auth": False,
            "custom_domain": _public_domain or None,
            "url_protocol": f"{_public_scheme or 'https'}:",
            "object_parameters": {"CacheControl": PUBLIC_MEDIA_CACHE_CONTROL},
        },
    }
    _photos_private: Any = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": env_str("AWS_PRIVATE_BUCKET_NAME") or _PUBLIC_BUCKET,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    # P31: served files of sites that are not public, handed out by the app after its check
    # as a presigned address valid MEDIA_GUARDED_URL_SECONDS.
    _photos_guarded: Any = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_photos_private["OPTIONS"],
            "location": "guarded",
            "querystring_expire": MEDIA_GUARDED_URL_SECONDS,
        },
    }
    STORAGES["photos_public"] = _photos_public
    STORAGES["photos_private"] = _photos_private
    STORAGES["photos_guarded"] = _photos_guarded
else:
    STORAGES["photos_public"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    STORAGES["photos_private"] = {"BACKEND": "mosaic.photos.storage.PrivateFileSystemStorage"}
    STORAGES["photos_guarded"] = {"BACKEND": "mosaic.photos.storage.GuardedFileSystemStorage"}

# --- Posts ------------------------------------------------------------------------------------
POSTS_MAX_VIDEO_BYTES = env_int("POSTS_MAX_VIDEO_BYTES", 300 * 1024 * 1024, minimum=1)
POSTS_MAX_VIDEO_SECONDS = env_int("POSTS_MAX_VIDEO_SECONDS", 20 * 60, minimum=1)

# --- Websites ---------------------------------------------------------------------------------
# P06: a site whose owner neither signed in nor edited it for this long is deleted, after
# warnings this many days before.
WEBSITES_INACTIVE_DAYS = env_int("WEBSITES_INACTIVE_DAYS", 183, minimum=30)
_warning_days = env_list("WEBSITES_INACTIVE_WARNING_DAYS", ["30", "7"])
if not all(days.isdigit() and 0 < int(days) < WEBSITES_INACTIVE_DAYS for days in _warning_days):
    raise ImproperlyConfigured(
        "WEBSITES_INACTIVE_WARNING_DAYS must be days before deletion, e.g. 30,7"
    )
WEBSITES_INACTIVE_WARNING_DAYS = tuple(sorted({int(days) for days in _warning_days}, reverse=True))

# --- Policy, consent, email preferences and the self-audit (mosaic/policy, consent, audit) ----
INSTALLED_APPS += ["mosaic.policy", "mosaic.consent", "mosaic.audit"]


def _processors(raw: str) -> list[dict[str, str]]:
    processors = []
    for item in filter(str.strip, raw.split(";")):
        parts = [part.strip() for part in item.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ImproperlyConfigured(f"PRIVACY_PROCESSORS: {item!r} is not 'name|purpose|where'")
        processors.append(dict(zip(("name", "purpose", "location"), parts, strict=True)))
    return processors


# P04: every processor that handles personal data for us, shown on the privacy policy page.
# Items separated by ";", each "name|what it does for us|where": set it to your real providers.
PRIVACY_PROCESSORS = _processors(
    env_str(
        "PRIVACY_PROCESSORS",
        "Our hosting provider|Runs our servers and stores the data|European Union;"
        "Our email delivery provider|Delivers the emails we send|European Union",
    )
)
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "privacy@mosaic.localhost")
PRIVACY_POLICY_NOTICE_DAYS = 5  # P14: a promise, not a setting to tune, so not from the environment
# P23: a withdrawn consent is kept this long as proof of what was agreed, then deleted.
PRIVACY_CONSENT_PROOF_DAYS = env_int("PRIVACY_CONSENT_PROOF_DAYS", 1095, minimum=1)
NEWSLETTER_CONFIRM_DAYS = env_int("NEWSLETTER_CONFIRM_DAYS", 7, minimum=1)  # P17: double opt-in
# Notices to every user (P27) and policy announcements go out in batches of this many.
NOTICE_BATCH_SIZE = env_int("NOTICE_BATCH_SIZE", 200, minimum=1)
ACCOUNT_RATE_LIMITS["newsletter"] = "10/10m/ip"  # P11: the public sign-up form (consent.views)
# P11: the public abuse-report form (moderation.views): per address, held in the cache for the
# window only; a form sent back sooner than MIN or later than MAX seconds after it was opened
# is refused as spam.
ACCOUNT_RATE_LIMITS["abuse_report"] = env_str("MODERATION_REPORT_RATE", "5/10m/ip")
MODERATION_REPORT_MIN_SECONDS = env_int("MODERATION_REPORT_MIN_SECONDS", 3, minimum=0)
MODERATION_REPORT_FORM_MAX_SECONDS = env_int("MODERATION_REPORT_FORM_MAX_SECONDS", 7200, minimum=60)
# How long a handled abuse report is kept (not while its site's block keeps it, P10).
MODERATION_REPORT_DAYS = env_int("MODERATION_REPORT_DAYS", 365, minimum=30)

# --- Data rights: corrections, legal holds, blocked accounts (mosaic/privacy, operators) ------
PRIVACY_CORRECTION_DAYS = env_int("PRIVACY_CORRECTION_DAYS", 30, minimum=1)  # P33: answer within
PRIVACY_CORRECTION_REMINDER_DAYS = env_int("PRIVACY_CORRECTION_REMINDER_DAYS", 7, minimum=0)
PRIVACY_BLOCK_KEEP_DAYS = env_int("PRIVACY_BLOCK_KEEP_DAYS", 365, minimum=365)  # P10
PRIVACY_LEGAL_RECORD_DAYS = env_int("PRIVACY_LEGAL_RECORD_DAYS", 1825, minimum=365)  # P15, P26

# --- Instagram import (mosaic/integrations/instagram: sync.py, importer.py) -----------------------
# Every active connection is synced (new posts only) this often; a full sync, which also removes
# posts deleted on Instagram, runs at most this often per connection.
INSTAGRAM_SYNC_INTERVAL_HOURS = env_int("INSTAGRAM_SYNC_INTERVAL_HOURS", 6, minimum=1)
INSTAGRAM_FULL_SYNC_INTERVAL_HOURS = env_int("INSTAGRAM_FULL_SYNC_INTERVAL_HOURS", 24, minimum=1)
INSTAGRAM_PAGE_SIZE = env_int("INSTAGRAM_PAGE_SIZE", 50, minimum=1)
# Media files downloaded at once ahead of the post being stored (instagram/downloads.py).
INSTAGRAM_DOWNLOADS_AT_ONCE = env_int("INSTAGRAM_DOWNLOADS_AT_ONCE", 4, minimum=1)
# One task imports at most this many posts, then hands the rest to a fresh task (short tasks).
INSTAGRAM_IMPORT_POSTS_PER_TASK = env_int("INSTAGRAM_IMPORT_POSTS_PER_TASK", 200, minimum=1)
# A running import that shows no progress for this long is taken to have crashed and resumed.
INSTAGRAM_IMPORT_STALE_MINUTES = env_int("INSTAGRAM_IMPORT_STALE_MINUTES", 15, minimum=1)
# A data download upload: the largest ZIP accepted, and what SafeZip accepts inside it.
INSTAGRAM_ARCHIVE_MAX_BYTES = env_int("INSTAGRAM_ARCHIVE_MAX_BYTES", 2 * 1024**3, minimum=1)
INSTAGRAM_ARCHIVE_MAX_ENTRIES = env_int("INSTAGRAM_ARCHIVE_MAX_ENTRIES", 50_000, minimum=1)
INSTAGRAM_ARCHIVE_MAX_ENTRY_BYTES = env_int(
    "INSTAGRAM_ARCHIVE_MAX_ENTRY_BYTES", 500 * 1024**2, minimum=1
)
INSTAGRAM_ARCHIVE_MAX_TOTAL_BYTES = env_int(
    "INSTAGRAM_ARCHIVE_MAX_TOTAL_BYTES", 8 * 1024**3, minimum=1
)
INSTAGRAM_ARCHIVE_MAX_RATIO = env_int("INSTAGRAM_ARCHIVE_MAX_RATIO", 200, minimum=2)
# One posts list (posts_N.json, media.json) in the download: read as a stream, refused above this.
INSTAGRAM_ARCHIVE_MAX_POSTS_FILE_BYTES = env_int(
    "INSTAGRAM_ARCHIVE_MAX_POSTS_FILE_BYTES", 64 * 1024**2, minimum=1
)

# --- Websites (mosaic/websites, docs/operations.md "Published sites") -------------------------
# Published sites are rendered to static files here, one folder per address; empty means
# "sites" beside MEDIA_ROOT. nginx can serve <root>/<slug>/current/ directly (public sites).
WEBSITES_PUBLISHED_ROOT = env_str("WEBSITES_PUBLISHED_ROOT")

# --- Statistics (mosaic/stats, docs/operations.md) ----------------------------------------------
# Views and clicks are counted first-party, without cookies or stored addresses (P12, P30).
# The counting endpoints (/_m/) are answered ahead of every other middleware: no cookie, no
# session, no session-tracking on that path.
INSTALLED_APPS += ["mosaic.stats"]
MIDDLEWARE.insert(0, "mosaic.stats.middleware.CountingPathMiddleware")
# Where accepted events wait for the flush: "spool" files (one machine) or a Redis list
# (several web machines; the default when REDIS_URL is set).
STATS_BUFFER = env_choice("STATS_BUFFER", ("spool", "redis"), "redis" if REDIS_URL else "spool")
STATS_SPOOL_DIR = Path(env_str("STATS_SPOOL_DIR", str(VAR_DIR / "stats-spool")))
# How often appends reach the disk (0: before every answer); see mosaic/stats/buffer.py
STATS_SPOOL_SYNC_MS = env_int("STATS_SPOOL_SYNC_MS", 1000, minimum=0)
STATS_REDIS_URL = env_str("STATS_REDIS_URL", REDIS_URL)
STATS_REDIS_PREFIX = env_str("STATS_REDIS_PREFIX", "mosaic:stats:")
if STATS_BUFFER == "redis" and not STATS_REDIS_URL:
    raise ImproperlyConfigured("STATS_BUFFER=redis needs STATS_REDIS_URL or REDIS_URL")
STATS_SITE_CACHE_SECONDS = env_int("STATS_SITE_CACHE_SECONDS", 30, minimum=0)
STATS_EVENT_DAYS = env_int("STATS_EVENT_DAYS", 7, minimum=1)  # raw events; daily counts stay

# --- DNS (mosaic/lib/dns.py: organizations' domain checks, custom domains) --------------------
# The servers asked for TXT/CNAME/A records, "host" or "host:port" (IPv6 as "[::1]:53"); empty
# means the machine's own resolver. A lookup (retries included) gives up after DNS_TIMEOUT s.
DNS_RESOLVERS = env_list("DNS_RESOLVERS")
DNS_TIMEOUT = env_int("DNS_TIMEOUT", 5, minimum=1)

# --- Organizations (mosaic/organizations, docs/architecture.md "Organizations", P24) ------------
# A domain stays pending this many days, re-checked every ORGANIZATIONS_PENDING_CHECK_MINUTES;
# a verified one is re-verified every ORGANIZATIONS_REVERIFY_HOURS. An account that existed
# before its domain was verified is claimed ORGANIZATIONS_NOTICE_DAYS after being told.
ORGANIZATIONS_PENDING_DAYS = env_int("ORGANIZATIONS_PENDING_DAYS", 7, minimum=1)
ORGANIZATIONS_PENDING_CHECK_MINUTES = env_int("ORGANIZATIONS_PENDING_CHECK_MINUTES", 15, minimum=1)
ORGANIZATIONS_REVERIFY_HOURS = env_int("ORGANIZATIONS_REVERIFY_HOURS", 24, minimum=1)
ORGANIZATIONS_NOTICE_DAYS = env_int("ORGANIZATIONS_NOTICE_DAYS", 14, minimum=1)
# Accounts told per task when a domain is verified (each batch one transaction).
ORGANIZATIONS_SCAN_BATCH = env_int("ORGANIZATIONS_SCAN_BATCH", 500, minimum=1)
# Members a deleted organization releases (emailed, membership ended) per task: one transaction.
ORGANIZATIONS_RELEASE_BATCH = env_int("ORGANIZATIONS_RELEASE_BATCH", 200, minimum=1)

# --- Plans and billing (mosaic/billing, docs/operations.md "Billing") --------------------------
# The plans' limits are in code (mosaic/billing/plans.py). Payments go through Stripe when
# STRIPE_SECRET_KEY is set, otherwise through the offline test provider (its own checkout and
# portal pages inside Mosaic, the same redirects and signed webhooks); production needs Stripe.
INSTALLED_APPS += ["mosaic.billing", "sequences"]
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_PRICE_ID = env_str("STRIPE_PRICE_ID")
# The API base the client talks to; the tests point it at the local stand-in
# (`manage.py stripe_stand_in`).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
# "none" (the production default without Stripe): the plans show, upgrading is not offered.
BILLING_PROVIDER = env_choice(
    "BILLING_PROVIDER",
    ("none", "offline", "stripe"),
    "stripe" if STRIPE_SECRET_KEY else "none" if PRODUCTION else "offline",
)
if BILLING_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured("Stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET")
if PRODUCTION and BILLING_PROVIDER == "offline":
    raise ImproperlyConfigured("the offline payment provider is for development and tests only")
BILLING_OFFLINE_WEBHOOK_SECRET = env_str("BILLING_OFFLINE_WEBHOOK_SECRET", "whsec_offline_dev")
BILLING_TRIAL_DAYS = env_int("BILLING_TRIAL_DAYS", 0, minimum=0)
# A failed renewal keeps the paid plan this long (with emails) before the downgrade.
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7, minimum=0)
# A reminder this many days before the grace period ends (0: none; none either when it is not
# fewer than BILLING_GRACE_DAYS, as the first email would still be fresh).
BILLING_GRACE_REMINDER_DAYS = env_int("BILLING_GRACE_REMINDER_DAYS", 2, minimum=0)
# P09: invoices are kept this many years after the account ends; "DE:8" per buyer country.
BILLING_RETENTION_YEARS = env_int("BILLING_RETENTION_YEARS", 5, minimum=1)
BILLING_RETENTION_YEARS_BY_COUNTRY = {
    country.upper(): int(years)
    for country, _sep, years in (
        item.partition(":") for item in env_list("BILLING_RETENTION_YEARS_BY_COUNTRY", ["DE:8"])
    )
}
# The invoice's seller block and numbering ("" gives 2026-000001; "A" gives A-2026-000001).
BILLING_SELLER_NAME = env_str("BILLING_SELLER_NAME", "Mosaic")
BILLING_SELLER_ADDRESS = env_str("BILLING_SELLER_ADDRESS", "Example Street 1, 10115 Berlin")
BILLING_SELLER_COUNTRY = env_str("BILLING_SELLER_COUNTRY", "DE").upper()
BILLING_SELLER_VAT_ID = env_str("BILLING_SELLER_VAT_ID", "")
BILLING_INVOICE_SERIES = env_str("BILLING_INVOICE_SERIES", "")

# --- Directory, search and similar sites (mosaic/discovery; P18, P28, P31) ---------------------
# Only sites whose owner chose "List my site in the directory" appear; see docs/discovery.md.
INSTALLED_APPS += ["mosaic.discovery"]
ACCOUNT_RATE_LIMITS["discovery_search"] = env_str("DISCOVERY_SEARCH_RATE", "60/m/ip")
# Similar sites are recomputed this often, in batches (a tag on more sites than
# DISCOVERY_MAX_TAG_SITES says too little to count).
DISCOVERY_SIMILAR_DAYS = env_int("DISCOVERY_SIMILAR_DAYS", 1, minimum=1)
DISCOVERY_MAX_TAG_SITES = env_int("DISCOVERY_MAX_TAG_SITES", 500, minimum=2)

# --- Comments (mosaic/comments; P22, P11) --------------------------------------------------------
# Signed-in members comment on the photo pages of sites whose owner allows it. Per account: at
# most COMMENTS_RATE comments (allauth's rate format), COMMENTS_MAX_LINKS links and
# COMMENTS_MAX_LENGTH characters in one comment.
INSTALLED_APPS += ["mosaic.comments"]
ACCOUNT_RATE_LIMITS["comment"] = env_str("COMMENTS_RATE", "5/m/user,30/h/user")
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 1, minimum=0)
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", 2000, minimum=1)

# --- Custom domains (mosaic/domains, docs/operations.md "Custom domains") -----------------------
# A paid site can be served on its owner's domain: they point it here with a CNAME to
# DOMAINS_CNAME_TARGET (or A/AAAA records to DOMAINS_ADDRESSES) and prove control with a TXT
# record; Caddy's on-demand TLS asks /_domains/ask/ before getting a certificate.
INSTALLED_APPS += ["mosaic.domains"]
MIDDLEWARE.insert(1, "mosaic.domains.middleware.CustomDomainMiddleware")
DOMAINS_CNAME_TARGET = env_str("DOMAINS_CNAME_TARGET", urlsplit(SITE_URL).hostname or "").lower()
DOMAINS_ADDRESSES = env_list("DOMAINS_ADDRESSES")
