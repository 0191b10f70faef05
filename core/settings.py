"""AI Gallery settings: one module, configured by the environment (see .env.example).

With no environment at all the site runs as a self-contained demo: SQLite, local media,
console e-mail, the offline image generator, the simulated checkout and the offline bot.
"""

from datetime import timedelta

import dj_database_url
from django.utils.csp import CSP

from core.env import (
    BASE_DIR,
    MissingSetting,
    env_bool,
    env_first,
    env_float,
    env_int,
    env_json,
    env_list,
    env_required,
    env_str,
)

DEBUG = env_bool("DEBUG", True)

if DEBUG:
    # A development key only: DEBUG is on, so this never serves the public.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY", "a long random string that signs sessions")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [
        env_required("ALLOWED_HOSTS", "the comma-separated host names the site answers to")
    ]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the site form renderer below
    "django.contrib.postgres",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "axes",
    "core",
    "notifications",
    "accounts",
    "dalle",
    "products",
    "purchases",
    "printlab",
    "chatbot",
    "console",
    "gallery",
]

MIDDLEWARE = [
    # Names the node that answered (NODE_NAME) on every response, health checks included.
    "core.middleware.ServedByMiddleware",
    # Next, so that load balancers reach /healthz whatever Host header they send.
    "core.middleware.HealthCheckMiddleware",
    # Next: malformed or oversized requests are refused before anything reads them.
    "lib.middleware.BadInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The header's cart count cookie, and a visitor's cart joining the account at log-in.
    "purchases.middleware.CartMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
# Forms render through the project templates: one error summary and field layout for all.
FORM_RENDERER = "core.form_renderer.SiteFormRenderer"
WSGI_APPLICATION = "core.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3 with its pool) when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections (DATABASE_CONN_MAX_AGE) or psycopg's pool (DATABASE_POOL), never both.
    use_pool = env_bool("DATABASE_POOL", True)
    database = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=0 if use_pool else env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer fails fast (the health check answers within 3 s).
        database.setdefault("OPTIONS", {})["connect_timeout"] = env_int(
            "DATABASE_CONNECT_TIMEOUT", 2
        )
    if database["ENGINE"] == "django.db.backends.postgresql" and use_pool:
        from psycopg_pool import ConnectionPool

        # The pool replaces persistent connections; it checks a connection before lending it.
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 1),
            "max_size": env_int("DATABASE_POOL_MAX", 4),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
            "check": ConnectionPool.check_connection,
        }
else:
    database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
if database["ENGINE"] == "django.db.backends.sqlite3":
    # Every write transaction takes the lock up front: concurrent workers' claims then wait
    # their turn instead of failing with "database is locked" (also for a sqlite:// URL).
    database.setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
    )
    # A file, not memory, so that a worker process started by a test sees the test data.
    database["TEST"] = {"NAME": BASE_DIR / "test_db.sqlite3"}
DATABASES = {"default": database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CachedModelBackend",
]
# The signed-in user is read from the cache; saving the user drops it at once.
AUTH_USER_CACHE_SECONDS = env_int("AUTH_USER_CACHE_SECONDS", 60)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them, hashed and compressed when DEBUG is off.
STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_BACKEND = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
# Read here rather than from settings.DEBUG, which test runners switch off after start-up.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Media: local files by default, S3 (or any S3-compatible store) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_BACKEND = {
        "BACKEND": "lib.storages.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN or None,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 3600),
        },
    }
    # Originals and previews of private images: never public, always signed, own prefix
    # (or a bucket of their own), so a CDN in front of the public files cannot reach them.
    PRIVATE_BACKEND = {
        "BACKEND": "lib.storages.PrivateMediaStorage",
        "OPTIONS": {
            **{k: v for k, v in MEDIA_BACKEND["OPTIONS"].items() if k != "custom_domain"},
            "bucket_name": env_str("AWS_PRIVATE_STORAGE_BUCKET_NAME") or AWS_STORAGE_BUCKET_NAME,
            "location": env_str("AWS_PRIVATE_LOCATION", "private"),
        },
    }
    MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/" if AWS_S3_CUSTOM_DOMAIN else "/media/"
else:
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_URL = "/media/"
    PRIVATE_BACKEND = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": None, "base_url": "/private-media-is-never-served/"},
    }
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
# Outside MEDIA_ROOT on purpose: nothing serves this folder except the checked views.
PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))
if PRIVATE_BACKEND["BACKEND"].endswith("FileSystemStorage"):
    PRIVATE_BACKEND["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
# Production with local files: Django checks, then Nginx sends the file from this internal
# location (`X-Accel-Redirect`). Empty: Django streams it (development, tests).
PRIVATE_MEDIA_ACCEL_REDIRECT = env_str("PRIVATE_MEDIA_ACCEL_REDIRECT")
# Lifetime of the signed URL of a private file on S3.
PRIVATE_URL_SECONDS = env_int("PRIVATE_URL_SECONDS", 300)
STORAGES = {
    "default": MEDIA_BACKEND,
    "private": PRIVATE_BACKEND,
    "staticfiles": {"BACKEND": STATICFILES_BACKEND},
}

# Background tasks: Django's task framework, one queue per kind of work, so that an e-mail
# never waits behind a minute-long generation. `manage.py task_worker QUEUE` runs that queue's
# workers with that queue's settings below. Two transports, chosen by TASKS_BACKEND:
# - "database" (the default, no broker: development, `make run`, most tests): django-tasks-db;
#   `processes` db_worker processes, each running ONE job at a time, polling every `interval`
#   seconds. A stopping worker finishes its running job; the stale-job sweep is the safety net.
# - "celery" (production): a RabbitMQ broker; ONE Celery worker process per queue runs up to
#   `concurrency` jobs at once on threads (they wait on other systems) with at most
#   `connections` database connections. A stopping worker takes no new job, lets the running
#   ones finish for `shutdown_grace` seconds, then exits without acknowledging the rest, so the
#   broker gives them to the next worker (core/celery.py). Platforms give a worker that grace
#   and a margin before killing it (terminationGracePeriodSeconds, stop_grace_period).
# A job's time limit is its gateway's timeout (OPENAI_TIMEOUT, CHATBOT_TIMEOUT, SMTP's 20 s).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in ("database", "celery"):
    raise MissingSetting(f'TASKS_BACKEND is "database" or "celery", not "{TASKS_BACKEND}".')
TASK_QUEUES = {
    # Waiting on the image provider for seconds to minutes: I/O-bound, many at once. The job
    # gives its database connection back while it waits (dalle/runner.py).
    "generation": {
        "processes": env_int("WORKER_GENERATION_PROCESSES", 4),
        "interval": env_float("WORKER_GENERATION_INTERVAL", 1.0),
        "concurrency": env_int("WORKER_GENERATION_CONCURRENCY", 100),
        "connections": env_int("WORKER_GENERATION_CONNECTIONS", 8),
        "shutdown_grace": env_float("WORKER_GENERATION_SHUTDOWN_GRACE", 30.0),
    },
    # A person is waiting: chat replies, e-mails, password resets. Short jobs, polled often;
    # each may hold a connection while the chat model thinks.
    "interactive": {
        "processes": env_int("WORKER_INTERACTIVE_PROCESSES", 2),
        "interval": env_float("WORKER_INTERACTIVE_INTERVAL", 0.5),
        "concurrency": env_int("WORKER_INTERACTIVE_CONCURRENCY", 16),
        "connections": env_int("WORKER_INTERACTIVE_CONNECTIONS", 16),
        "shutdown_grace": env_float("WORKER_INTERACTIVE_SHUTDOWN_GRACE", 20.0),
    },
    # Lab submissions and print masters: few, slow, and never urgent to the second.
    "fulfilment": {
        "processes": env_int("WORKER_FULFILMENT_PROCESSES", 1),
        "interval": env_float("WORKER_FULFILMENT_INTERVAL", 2.0),
        "concurrency": env_int("WORKER_FULFILMENT_CONCURRENCY", 4),
        "connections": env_int("WORKER_FULFILMENT_CONNECTIONS", 4),
        "shutdown_grace": env_float("WORKER_FULFILMENT_SHUTDOWN_GRACE", 60.0),
    },
}
if TASKS_BACKEND == "celery":
    TASKS = {
        "default": {
            "BACKEND": "lib.celery_backend.CeleryBackend",
            "QUEUES": list(TASK_QUEUES),
            "OPTIONS": {"APP": "core.celery.app"},
        }
    }
else:
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": list(TASK_QUEUES),
        }
    }
# Celery, read by core/celery.py. A message is acknowledged when its job has finished, so a
# worker that stops or dies mid-job leaves it to the broker for the next worker; each worker
# reserves only the jobs it can run (prefetch 1 per slot).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if not CELERY_BROKER_URL and TASKS_BACKEND == "celery" and not DEBUG:
    env_required("CELERY_BROKER_URL", "the RabbitMQ server the task workers share")
CELERY_BROKER_URL = CELERY_BROKER_URL or "amqp://guest:guest@127.0.0.1:5672//"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Sessions are read from the cache, and from the database when the cache has lost them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
HEALTH_TASK_BACKLOG_WARN = env_int("HEALTH_TASK_BACKLOG_WARN", 500)

# Cache: Redis when REDIS_URL is set, per-process memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # An unreachable Redis answers as misses (pages get slower, never broken); it is tried
    # again after CACHE_RETRY_SECONDS.
    CACHES = {
        "default": {
            "BACKEND": "lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"retry_seconds": env_float("CACHE_RETRY_SECONDS", 5.0)},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail: printed to the console in development; production needs an SMTP host
# unless EMAIL_BACKEND names another backend on purpose.
SMTP_HOST = env_str("EMAIL_HOST")
MAILER_BACKEND = env_str("EMAIL_BACKEND")
if not (DEBUG or SMTP_HOST or MAILER_BACKEND):
    env_required("EMAIL_HOST", "the SMTP server that sends receipts and order updates")
MAILER_BACKEND = MAILER_BACKEND or (
    "django.core.mail.backends.smtp.EmailBackend"
    if SMTP_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
if MAILER_BACKEND.endswith("smtp.EmailBackend"):
    MAILER_OPTIONS = {
        "host": SMTP_HOST,
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 20,
    }
elif MAILER_BACKEND.endswith("filebased.EmailBackend"):
    MAILER_OPTIONS = {"file_path": env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))}
else:
    MAILER_OPTIONS = {}
MAILERS = {"default": {"BACKEND": MAILER_BACKEND, "OPTIONS": MAILER_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AI Gallery <no-reply@aigallery.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "help@aigallery.local")

# Bad input (lib/middleware.py): bodies over this size are refused with 413, by their
# Content-Length or while they stream; Django's own form limit is the same number.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
REQUEST_MAX_QUERY_BYTES = env_int("REQUEST_MAX_QUERY_BYTES", 4096)

# Client addresses (lib/client_ip.py): X-Forwarded-For is believed only from these proxies.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")

# Log-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account,
# or from one address, log-in is refused for AXES_COOLOFF_MINUTES; a manager can unlock
# at once in the admin (Axes > Access attempts) or with `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lib.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "lib.client_ip.login_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Throttles per client address (lib/throttle.py, on django-ratelimit and the cache):
# "N/s", "N/m", "N/h" or "N/d".
RATELIMIT_IP_META_KEY = "lib.client_ip.client_ip"
SIGNUP_RATE = env_str("SIGNUP_RATE", "5/h")
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/h")
API_KEY_CREATE_RATE = env_str("API_KEY_CREATE_RATE", "10/h")

# E-mail verification before the first generation: "required" (a signed link is e-mailed),
# "link-shown" (also shown on the page: development and console e-mail only) or "none".
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION") or (
    "link-shown" if DEBUG or MAILER_BACKEND.endswith("console.EmailBackend") else "required"
)
if ACCOUNT_EMAIL_VERIFICATION not in ("required", "link-shown", "none"):
    raise MissingSetting("ACCOUNT_EMAIL_VERIFICATION must be required, link-shown or none.")
ACCOUNT_VERIFICATION_DAYS = env_int("ACCOUNT_VERIFICATION_DAYS", 7)

# Security. These apply in every mode; the HTTPS ones only matter behind TLS in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Off only for a production-like stack on plain HTTP (benchmarks, the local stack test).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# Only self-hosted assets; the media host is added when media live elsewhere.
MEDIA_ORIGINS = [f"https://{AWS_S3_CUSTOM_DOMAIN}"] if AWS_S3_CUSTOM_DOMAIN else []
if AWS_STORAGE_BUCKET_NAME and not AWS_S3_CUSTOM_DOMAIN:
    MEDIA_ORIGINS.append(env_str("AWS_S3_ENDPOINT_URL") or "https://*.amazonaws.com")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # One handler for Django's messages too, so nothing prints twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # fpdf2 subsets fonts with fontTools, which logs every table of every receipt PDF.
        "fontTools": {"level": "ERROR"},
    },
}

# Image generation (dalle/). OpenAI, or any OpenAI-compatible server, when a key is set;
# otherwise the offline demo generator paints on this machine.
OPENAI_API_KEY = env_first("OPENAI_API_KEY", "OPENAI_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL") or None
OPENAI_ORGANIZATION = env_str("OPENAI_ORGANIZATION") or None
OPENAI_TIMEOUT = env_float("OPENAI_TIMEOUT", 300.0)
OPENAI_IMAGE_MODEL = env_str("OPENAI_IMAGE_MODEL", "gpt-image-2")
OPENAI_IMAGE_QUALITY = env_str("OPENAI_IMAGE_QUALITY", "medium")
IMAGE_PROVIDER = env_str("IMAGE_PROVIDER", "openai" if OPENAI_API_KEY else "offline")
IMAGE_DOWNLOAD_TIMEOUT = env_float("IMAGE_DOWNLOAD_TIMEOUT", 30.0)
IMAGE_DOWNLOAD_MAX_BYTES = env_int("IMAGE_DOWNLOAD_MAX_BYTES", 25 * 1024 * 1024)
GENERATION_MAX_ATTEMPTS = env_int("GENERATION_MAX_ATTEMPTS", 4)
GENERATION_MAX_TIMEOUT_RETRIES = env_int("GENERATION_MAX_TIMEOUT_RETRIES", 1)
GENERATION_RETRY_BASE_SECONDS = env_float("GENERATION_RETRY_BASE_SECONDS", 4.0)
GENERATION_STORE_RETRY_SECONDS = env_float("GENERATION_STORE_RETRY_SECONDS", 1.0)
GENERATION_STALE_SECONDS = env_int("GENERATION_STALE_SECONDS", int(OPENAI_TIMEOUT) + 300)
GENERATION_DAILY_LIMIT_PER_USER = env_int("GENERATION_DAILY_LIMIT_PER_USER", 25)
GENERATION_DAILY_LIMIT_SITE = env_int("GENERATION_DAILY_LIMIT_SITE", 2000)
# Many accounts from one address share this daily cap.
GENERATION_DAILY_LIMIT_PER_IP = env_int("GENERATION_DAILY_LIMIT_PER_IP", 60)

# What OpenAI charges, in US dollars per million tokens, per model (lib.ai_costs prices each
# generation and chat reply from the usage the API reports). Keys: input, cached_input,
# image_input (falls back to input), output, image_output (falls back to output), and per_image
# (USD per picture, for models that report no tokens). OPENAI_PRICES (JSON) adds models or
# replaces one model's prices; a model with no price has an unknown cost.
DEFAULT_OPENAI_PRICES = {
    "gpt-image-1": {"input": 5.0, "image_input": 10.0, "output": 40.0},
    "gpt-image-1-mini": {"input": 2.0, "image_input": 2.5, "output": 8.0},
    "gpt-5-mini": {"input": 0.25, "cached_input": 0.025, "output": 2.0},
}
OPENAI_PRICES = {**DEFAULT_OPENAI_PRICES, **env_json("OPENAI_PRICES", {})}

# Shop and payments (products/, purchases/). Stripe when a secret key is set; otherwise a
# simulated checkout marked TEST MODE drives the same fulfilment code.
SHOP_CURRENCY = env_str("SHOP_CURRENCY", "usd").lower()
SHOP_NAME = env_str("SHOP_NAME", "AI Gallery")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE") or None
PAYMENT_GATEWAY = env_str("PAYMENT_GATEWAY", "stripe" if STRIPE_SECRET_KEY else "simulated")
if PAYMENT_GATEWAY == "stripe" and not DEBUG and not STRIPE_WEBHOOK_SECRET:
    env_required("STRIPE_WEBHOOK_SECRET", "the signing secret of the Stripe webhook endpoint")
CHECKOUT_EXPIRES_MINUTES = env_int("CHECKOUT_EXPIRES_MINUTES", 60)
# Seconds an anonymous shop page stays cached (changes drop it at once with Redis).
SHOP_CACHE_SECONDS = env_int("SHOP_CACHE_SECONDS", 10)
# Seconds a gallery page (home, Explore, a creator's page) stays cached: how long other
# people's likes take to show. Sharing, hiding or deleting an image shows at once.
GALLERY_CACHE_SECONDS = env_int("GALLERY_CACHE_SECONDS", 5)
# Seconds shared caches (Nginx's micro-cache) may keep a page visitors see alike (lib/caching.py).
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 5)
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)
# Which web node answered, in X-Served-By (core/middleware.py); empty sends no header.
NODE_NAME = env_str("NODE_NAME")
# Seconds an order table stays cached (its key changes with any order change anyway).
ORDERS_CACHE_SECONDS = env_int("ORDERS_CACHE_SECONDS", 300)
# Receipt PDFs (lib/receipts.py): font files to try; empty searches the Debian font packages.
RECEIPT_PDF_FONT = env_list("RECEIPT_PDF_FONT")
if PAYMENT_GATEWAY == "stripe":
    SECURE_CSP["form-action"].append("https://checkout.stripe.com")

# Print lab (printlab/). Prodigi's Print API v4 when a key is set; otherwise the simulated lab,
# which walks each order through production, shipping and delivery on a timer of tasks (in
# development, or with the simulated checkout).
PRODIGI_API_KEY = env_str("PRODIGI_API_KEY")
PRODIGI_SANDBOX = env_bool("PRODIGI_SANDBOX", True)
PRODIGI_API_BASE = env_str("PRODIGI_API_BASE")
PRODIGI_TIMEOUT = env_float("PRODIGI_TIMEOUT", 20.0)
PRODIGI_RETRIES = env_int("PRODIGI_RETRIES", 2)
PRODIGI_RETRY_SECONDS = env_float("PRODIGI_RETRY_SECONDS", 1.0)
if PRODIGI_API_KEY:
    default_lab = "prodigi"
elif DEBUG or PAYMENT_GATEWAY == "simulated":
    default_lab = "simulated"
else:
    default_lab = "none"  # real payments and no lab key: managers fulfil by hand, as before
LAB_BACKEND = env_str("LAB_BACKEND") or default_lab  # empty, as in .env.example: the default
if LAB_BACKEND not in ("prodigi", "simulated", "none"):
    raise MissingSetting("LAB_BACKEND must be prodigi, simulated or none.")
if LAB_BACKEND == "prodigi" and not PRODIGI_API_KEY:
    env_required(
        "PRODIGI_API_KEY", "the Print API key from Prodigi's dashboard (LAB_BACKEND=prodigi)"
    )
LAB_CALLBACK_TOKEN = env_str("LAB_CALLBACK_TOKEN")
if LAB_BACKEND == "prodigi" and not DEBUG and not LAB_CALLBACK_TOKEN:
    env_required("LAB_CALLBACK_TOKEN", "a long random string in the lab's callback URL")
LAB_SIMULATED_STEP_SECONDS = env_float("LAB_SIMULATED_STEP_SECONDS", 20.0)
LAB_SHIPPING_METHOD = env_str("LAB_SHIPPING_METHOD", "Standard")
if LAB_SHIPPING_METHOD not in ("Budget", "Standard", "Express", "Overnight"):
    raise MissingSetting("LAB_SHIPPING_METHOD must be Budget, Standard, Express or Overnight.")
LAB_SUBMIT_ATTEMPTS = env_int("LAB_SUBMIT_ATTEMPTS", 6)
LAB_ASSET_URL_SECONDS = env_int("LAB_ASSET_URL_SECONDS", 48 * 3600)

# JSON API (/api/v1/): session auth with CSRF for the site's own scripts, bearer keys for apps.
REST_FRAMEWORK = {
    # Bearer first, so that a refused key answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lib.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lib.api.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"generations": env_str("API_GENERATION_RATE", "10/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Gallery API",
    "DESCRIPTION": "Generate artwork, browse the shop, order and follow orders.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "GenerationStatusEnum": "dalle.models.GeneratedImage.Status",
        "OrderStatusEnum": "purchases.models.Order.Status",
    },
}

# Support chat (chatbot/). OpenAI when a key is set; otherwise the offline FAQ bot.
OPENAI_CHAT_MODEL = env_str("OPENAI_CHAT_MODEL", "gpt-5-mini")
CHATBOT_PROVIDER = env_str("CHATBOT_PROVIDER", "openai" if OPENAI_API_KEY else "offline")
# The reply is made in the task worker, not in a web request, so a slow model can take its time.
CHATBOT_TIMEOUT = env_float("CHATBOT_TIMEOUT", 90.0)
# How long the chat page shows "typing…" and polls for a reply before it gives up waiting.
CHATBOT_REPLY_WAIT_SECONDS = env_int("CHATBOT_REPLY_WAIT_SECONDS", 300)
CHATBOT_MAX_REPLY_TOKENS = env_int("CHATBOT_MAX_REPLY_TOKENS", 400)
CHATBOT_MAX_REPLY_CHARS = env_int("CHATBOT_MAX_REPLY_CHARS", 2000)
CHATBOT_CONTEXT_MESSAGES = env_int("CHATBOT_CONTEXT_MESSAGES", 10)
CHATBOT_MAX_MESSAGE_CHARS = env_int("CHATBOT_MAX_MESSAGE_CHARS", 1000)
CHATBOT_RATE_LIMIT = env_int("CHATBOT_RATE_LIMIT", 20)
CHATBOT_RATE_WINDOW_SECONDS = env_int("CHATBOT_RATE_WINDOW_SECONDS", 600)
# Visitors from one address share this many messages per window, whatever their cookies.
CHATBOT_RATE_LIMIT_PER_IP = env_int("CHATBOT_RATE_LIMIT_PER_IP", 60)

DEMO_MANAGER_USERNAME = env_str("DEMO_MANAGER_USERNAME", "manager")
DEMO_MANAGER_PASSWORD = env_str("DEMO_MANAGER_PASSWORD")
# `ensure_demo_data` (run by `make run`) seeds a demo gallery: three creators, two dozen artworks,
# remixes and likes. On by default in development, off in production.
DEMO_GALLERY = env_bool("DEMO_GALLERY", DEBUG)
