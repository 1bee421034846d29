"""Settings, read from the environment with safe defaults (see docs/operating.md, "Settings")."""

import os
import secrets
from pathlib import Path

# The site's languages, as templates and socket rooms name them; zh_CN is the default.
LOCALES = ("zh_CN", "en")


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with 0600 so only the service account can read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def load(instance_path: str) -> dict:
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "hotline.sqlite3")
    )
    # postgres:// is what many hosts hand out; SQLAlchemy wants the driver spelled out.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    queue = os.environ.get("HOTLINE_MESSAGE_QUEUE") or None
    max_viewers = int(os.environ.get("HOTLINE_MAX_VIEWERS", "5000"))
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "HOTLINE_MESSAGE_QUEUE": queue,
        # Several deployments may share one Redis: each listens on its own channel.
        "HOTLINE_SOCKETIO_CHANNEL": os.environ.get("HOTLINE_SOCKETIO_CHANNEL", "hotline"),
        "HOTLINE_TIMEZONE": os.environ.get("HOTLINE_TIMEZONE", "Asia/Shanghai"),
        # Integration API: writes per token, and webhooks (docs/api.md, "Integration API").
        "HOTLINE_API_RATE_LIMIT": os.environ.get("HOTLINE_API_RATE_LIMIT", "120 per minute"),
        "HOTLINE_WEBHOOK_WORKER": os.environ.get("HOTLINE_WEBHOOK_WORKER") == "1",
        # How long a worker holds a delivery it is sending before another may retry it.
        "HOTLINE_WEBHOOK_LEASE_SECONDS": float(
            os.environ.get("HOTLINE_WEBHOOK_LEASE_SECONDS", "60")
        ),
        # Plain http://127.0.0.1 endpoints, for tests and a local receiver only.
        "HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP": os.environ.get("HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP")
        == "1",
        # Public (/live) sockets one process accepts; beyond it viewers are told
        # to try again, so a crowd can never take the connections staff need.
        "HOTLINE_MAX_VIEWERS": max_viewers,
        # Lifetime of a cached public fragment (hotline/realtime/fragments.py); every push
        # ends an entry at once, this only bounds changes nobody pushes. 0: off.
        "HOTLINE_FRAGMENT_CACHE_SECONDS": float(
            os.environ.get("HOTLINE_FRAGMENT_CACHE_SECONDS", "30")
        ),
        # Everything one process serves at once (eventlet's pool): the viewers
        # plus room for page loads, staff requests and the /desk sockets.
        "HOTLINE_MAX_CONNECTIONS": int(
            os.environ.get("HOTLINE_MAX_CONNECTIONS", str(max_viewers + 1000))
        ),
        "HOTLINE_ASYNC_MODE": os.environ.get("HOTLINE_ASYNC_MODE", "eventlet"),
        # Extra origins allowed to open a Socket.IO connection (comma separated),
        # besides the site's own; needed behind a proxy on another host name.
        "HOTLINE_SOCKET_ORIGINS": [
            o.strip() for o in os.environ.get("HOTLINE_SOCKET_ORIGINS", "").split(",") if o.strip()
        ],
        "HOTLINE_TRUSTED_HOSTS": [
            h.strip() for h in os.environ.get("HOTLINE_TRUSTED_HOSTS", "").split(",") if h.strip()
        ],
        # The site's own name in feed ids (tag: URIs), so that they never change
        # with the Host header; and the date it was first used for them.
        "HOTLINE_SITE_NAME": os.environ.get("HOTLINE_SITE_NAME")
        or next(
            (
                h.strip()
                for h in os.environ.get("HOTLINE_TRUSTED_HOSTS", "").split(",")
                if h.strip()
            ),
            "localhost",
        ),
        "HOTLINE_TAG_DATE": os.environ.get("HOTLINE_TAG_DATE", "2026"),
        # How many proxies (nginx) sit in front; 0 when serving directly.
        "HOTLINE_PROXY_HOPS": int(os.environ.get("HOTLINE_PROXY_HOPS", "0")),
        "HOTLINE_UPLOAD_DIR": os.environ.get(
            "HOTLINE_UPLOAD_DIR", str(Path(instance_path) / "uploads")
        ),
        # How long a write waits for a SQLite lock held by another process
        # before answering 503 "busy, try again" (see database.py).
        "HOTLINE_DB_BUSY_SECONDS": float(os.environ.get("HOTLINE_DB_BUSY_SECONDS", "3")),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", queue or "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Served over TLS: Secure cookies, and HSTS so browsers never use plain HTTP.
        "HOTLINE_HTTPS": os.environ.get("HOTLINE_HTTPS", "") == "1",
        # Sign-in attempts per address (Flask-Limiter syntax).
        "HOTLINE_LOGIN_LIMIT": os.environ.get("HOTLINE_LOGIN_LIMIT", "10 per minute"),
        # Second factors (hotline/auth/factors.py; docs/operating.md, "Second factors").
        # Roles that must enrol one (comma separated; "" for none).
        "HOTLINE_2FA_ROLES": [
            r.strip()
            for r in os.environ.get("HOTLINE_2FA_ROLES", "supervisor").split(",")
            if r.strip()
        ],
        # Days a browser may skip the second step after one; 0: never remembered.
        "HOTLINE_2FA_REMEMBER_DAYS": int(os.environ.get("HOTLINE_2FA_REMEMBER_DAYS", "0")),
        # Second-step attempts per address, and wrong ones per account.
        "HOTLINE_2FA_LIMIT": os.environ.get("HOTLINE_2FA_LIMIT", "10 per minute"),
        "HOTLINE_2FA_ACCOUNT_LIMIT": os.environ.get(
            "HOTLINE_2FA_ACCOUNT_LIMIT", "5 per 15 minutes"
        ),
        # What encrypts authenticator-app secrets at rest (else derived from SECRET_KEY).
        "HOTLINE_2FA_KEY": os.environ.get("HOTLINE_2FA_KEY") or None,
        # Passkeys: the relying party (the site's domain) and the origin pages
        # come from; by default the name and address the request came to.
        "HOTLINE_WEBAUTHN_RP_ID": os.environ.get("HOTLINE_WEBAUTHN_RP_ID") or None,
        "HOTLINE_WEBAUTHN_ORIGIN": os.environ.get("HOTLINE_WEBAUTHN_ORIGIN") or None,
        "SESSION_COOKIE_SECURE": os.environ.get("HOTLINE_HTTPS", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,  # a whole broadcast day on one page
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "WTF_CSRF_FIELD_NAME": "csrf_token",
        # hotline/delivery.py compresses, except responses that carry a CSRF token.
        "COMPRESS_REGISTER": False,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("HOTLINE_TIMEZONE", "Asia/Shanghai"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_FROM": os.environ.get("SMTP_FROM", "hotline@localhost"),
        # Most mail servers want TLS and a login before they relay.
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "") == "1",
        "SMTP_USER": os.environ.get("SMTP_USER"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        # Where `flask remind` e-mails each department's reminder (the office).
        "HOTLINE_REMIND_TO": os.environ.get("HOTLINE_REMIND_TO"),
    }
