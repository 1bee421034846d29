"""Settings, read from the environment with safe defaults (see docs/operating.md, "Settings")."""

import logging
import os
import secrets
import stat
from pathlib import Path

# The site's languages, as templates and socket rooms name them; zh_CN is the default.
LOCALES = ("zh_CN", "en")


log = logging.getLogger("hotline.config")


# --- private files: the database, its -wal and -shm, the evidence, the backups ---------
# They hold callers' names and phones and withheld evidence: the service's own
# account reads them, nobody else, whatever the process umask (modes given
# explicitly; a folder or file found looser is tightened).


def _tighten(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            path.chmod(mode & 0o700)
        except PermissionError:
            log.warning("%s is readable by others and could not be made private", path)


def private_dir(path: Path) -> Path:
    """A folder only its owner may open (0700), made with its parents if missing."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists, empty if new, readable by its owner only (0600).
    Done before SQLite opens a database: it gives its -wal and -shm files the
    database file's own mode."""
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
    _tighten(path)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write a new file readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    _tighten(path)


def private_tree(root: Path) -> None:
    """Every folder under `root` 0700, every file 0600 (a copied tree keeps the
    modes of its source)."""
    for folder, _dirs, files in os.walk(root):
        _tighten(Path(folder))
        for name in files:
            if not (Path(folder) / name).is_symlink():
                _tighten(Path(folder) / name)


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        _tighten(path)  # a copy put there by hand may be readable by others
        return path.read_text().strip()
    private_dir(path.parent)
    key = secrets.token_hex(32)
    # Created with 0600 so only the service account can read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


IDLE_PREFIX = "HOTLINE_IDLE_MINUTES_"


def _idle_by_role() -> dict[str, int]:
    """HOTLINE_IDLE_MINUTES_<ROLE> (e.g. _MODERATOR=240): a role's own idle timeout."""
    return {
        name[len(IDLE_PREFIX) :].lower(): int(value)
        for name, value in os.environ.items()
        if name.startswith(IDLE_PREFIX) and value.strip()
    }


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
        # Failed token attempts per address before a 429 (a working token is never held back).
        "HOTLINE_API_TOKEN_FAILURE_LIMIT": os.environ.get(
            "HOTLINE_API_TOKEN_FAILURE_LIMIT", "20 per minute"
        ),
        "HOTLINE_WEBHOOK_WORKER": os.environ.get("HOTLINE_WEBHOOK_WORKER") == "1",
        # How long a worker holds a delivery it is sending before another may retry it.
        "HOTLINE_WEBHOOK_LEASE_SECONDS": float(
            os.environ.get("HOTLINE_WEBHOOK_LEASE_SECONDS", "60")
        ),
        # Plain http://127.0.0.1 endpoints, for tests and a local receiver only.
        "HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP": os.environ.get("HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP")
        == "1",
        # Networks (CIDR) and host names a webhook may reach although they are
        # not on the public internet, e.g. a 12345 system on the government network.
        "HOTLINE_WEBHOOK_ALLOW": [
            h.strip() for h in os.environ.get("HOTLINE_WEBHOOK_ALLOW", "").split(",") if h.strip()
        ],
        # Public (/live) sockets one process accepts; beyond it viewers are told
        # to try again, so a crowd can never take the connections staff need.
        "HOTLINE_MAX_VIEWERS": max_viewers,
        # The public edge (hotline/realtime/edge.py, docs/operating.md "The public
        # edge"): nchan's publisher location, reachable from the app only; set, public
        # pages subscribe to nchan at the path below instead of Socket.IO's /live.
        "HOTLINE_EDGE_PUBLISH_URL": os.environ.get("HOTLINE_EDGE_PUBLISH_URL") or None,
        "HOTLINE_EDGE_SUBSCRIBE_URL": os.environ.get("HOTLINE_EDGE_SUBSCRIBE_URL", "/edge/sub"),
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
        # Seconds a cued graphic stays on program, per kind ("super=8,totals=12"):
        # rules/cue.py has the defaults.
        "HOTLINE_CUE_AUTO_OUT": os.environ.get("HOTLINE_CUE_AUTO_OUT", ""),
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
        # Supports for topics per address, across topics (one per topic in any case).
        "HOTLINE_TOPIC_SUPPORT_LIMIT": os.environ.get(
            "HOTLINE_TOPIC_SUPPORT_LIMIT", "100 per hour"
        ),
        # Citizens' questions per address, and per show whatever the addresses;
        # topics proposed per show; /track look-ups per address.
        "HOTLINE_QUESTION_LIMIT": os.environ.get("HOTLINE_QUESTION_LIMIT", "20 per hour"),
        "HOTLINE_QUESTION_SHOW_LIMIT": os.environ.get(
            "HOTLINE_QUESTION_SHOW_LIMIT", "30 per minute"
        ),
        "HOTLINE_TOPIC_SHOW_LIMIT": os.environ.get("HOTLINE_TOPIC_SHOW_LIMIT", "30 per minute"),
        "HOTLINE_TRACK_LIMIT": os.environ.get("HOTLINE_TRACK_LIMIT", "30 per minute"),
        # Notes one staff account may send to a show's crew (desk/crew.py).
        "HOTLINE_CREW_LIMIT": os.environ.get("HOTLINE_CREW_LIMIT", "20 per minute"),
        # Citizens' "not fixed" reports on one item, whatever the addresses.
        "HOTLINE_NOTFIXED_ITEM_LIMIT": os.environ.get("HOTLINE_NOTFIXED_ITEM_LIMIT", "20 per hour"),
        # Scorecards rank a department only with this many items behind it.
        "HOTLINE_RANK_MIN_SAMPLE": int(os.environ.get("HOTLINE_RANK_MIN_SAMPLE", "3")),
        # Viewers' votes on answers on air per address, across calls (each call
        # counts one vote per browser and per connection in any case).
        "HOTLINE_VOTE_LIMIT": os.environ.get("HOTLINE_VOTE_LIMIT", "100 per hour"),
        # Viewers' upvotes on the question wall per address, across questions.
        "HOTLINE_WALL_VOTE_LIMIT": os.environ.get("HOTLINE_WALL_VOTE_LIMIT", "100 per hour"),
        # At most one push of a call's online count per this many seconds: a
        # burst of votes goes out as its first vote and, at its end, the rest.
        "HOTLINE_VOTE_PUSH_SECONDS": float(os.environ.get("HOTLINE_VOTE_PUSH_SECONDS", "1")),
        # Renderers that report back (tally, docs/operating.md): a renderer silent
        # this long is stale; one still showing another item this long after the
        # on-air change is outdated; at most so many renderers per show.
        "HOTLINE_TALLY_STALE_SECONDS": float(os.environ.get("HOTLINE_TALLY_STALE_SECONDS", "10")),
        "HOTLINE_TALLY_GRACE_SECONDS": float(os.environ.get("HOTLINE_TALLY_GRACE_SECONDS", "4")),
        "HOTLINE_TALLY_MAX_RENDERERS": int(os.environ.get("HOTLINE_TALLY_MAX_RENDERERS", "24")),
        # Sign-in attempts per address (Flask-Limiter syntax).
        "HOTLINE_LOGIN_LIMIT": os.environ.get("HOTLINE_LOGIN_LIMIT", "10 per minute"),
        # Per username, whatever the address (rules/lockout.py): so many failed
        # sign-ins in a row lock it for the first minutes, doubling up to the cap.
        "HOTLINE_LOCKOUT_FAILURES": int(os.environ.get("HOTLINE_LOCKOUT_FAILURES", "5")),
        "HOTLINE_LOCKOUT_MINUTES": int(os.environ.get("HOTLINE_LOCKOUT_MINUTES", "15")),
        "HOTLINE_LOCKOUT_MAX_MINUTES": int(os.environ.get("HOTLINE_LOCKOUT_MAX_MINUTES", "1440")),
        # A staff session ends after this long without a request (per role:
        # HOTLINE_IDLE_MINUTES_<ROLE>), and in any case this long after sign-in.
        "HOTLINE_IDLE_MINUTES": int(os.environ.get("HOTLINE_IDLE_MINUTES", "30")),
        "HOTLINE_IDLE_MINUTES_BY_ROLE": _idle_by_role(),
        "HOTLINE_SESSION_HOURS": float(os.environ.get("HOTLINE_SESSION_HOURS", "12")),
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
        # Where the accessibility statement asks readers to report a barrier
        # (falls back to HOTLINE_REMIND_TO, the office's address).
        "HOTLINE_CONTACT_EMAIL": os.environ.get("HOTLINE_CONTACT_EMAIL"),
        # Single sign-on with an OpenID Connect provider (docs/operating.md,
        # "Single sign-on"): off unless the issuer, client id and secret are set.
        "HOTLINE_OIDC_ISSUER": os.environ.get("HOTLINE_OIDC_ISSUER", "").rstrip("/"),
        "HOTLINE_OIDC_DISCOVERY_URL": os.environ.get("HOTLINE_OIDC_DISCOVERY_URL", ""),
        "HOTLINE_OIDC_CLIENT_ID": os.environ.get("HOTLINE_OIDC_CLIENT_ID", ""),
        "HOTLINE_OIDC_CLIENT_SECRET": os.environ.get("HOTLINE_OIDC_CLIENT_SECRET", ""),
        "HOTLINE_OIDC_SCOPE": os.environ.get("HOTLINE_OIDC_SCOPE", "openid profile"),
        # The claim whose value the office links to an account.
        "HOTLINE_OIDC_CLAIM": os.environ.get("HOTLINE_OIDC_CLAIM", "preferred_username"),
        # The name on the button: "Sign in with <label>"; empty: "single sign-on".
        "HOTLINE_OIDC_LABEL": os.environ.get("HOTLINE_OIDC_LABEL", ""),
        # acr values the IdP gives only after a second factor (comma separated).
        "HOTLINE_OIDC_MFA_ACR": [
            v.strip() for v in os.environ.get("HOTLINE_OIDC_MFA_ACR", "").split(",") if v.strip()
        ],
        # A plain http://127.0.0.1 issuer, for tests only.
        "HOTLINE_OIDC_ALLOW_LOCAL_HTTP": os.environ.get("HOTLINE_OIDC_ALLOW_LOCAL_HTTP") == "1",
        **_notifications(),
    }


def _notifications() -> dict:
    """Telling callers and followers (docs/operating.md, "Notifications")."""
    env = os.environ.get
    return {
        # The site's public address, for the links in messages sent outside a request.
        "HOTLINE_PUBLIC_URL": env("HOTLINE_PUBLIC_URL", "http://localhost:5000").rstrip("/"),
        "HOTLINE_NOTIFY_PER_HOUR": int(env("HOTLINE_NOTIFY_PER_HOUR", "6")),  # per recipient
        "HOTLINE_NOTIFY_LEASE_SECONDS": float(env("HOTLINE_NOTIFY_LEASE_SECONDS", "120")),
        "HOTLINE_NOTIFY_FOLLOW_LIMIT": env("HOTLINE_NOTIFY_FOLLOW_LIMIT", "10 per hour"),
        # No text message in these local hours (e-mail is not held back).
        "HOTLINE_SMS_QUIET_FROM": int(env("HOTLINE_SMS_QUIET_FROM", "21")),
        "HOTLINE_SMS_QUIET_UNTIL": int(env("HOTLINE_SMS_QUIET_UNTIL", "8")),
        # "" (no text messages), "gateway" (the city's own) or "aliyun".
        "HOTLINE_SMS_PROVIDER": env("HOTLINE_SMS_PROVIDER", ""),
        "HOTLINE_SMS_SIGN_NAME": env("HOTLINE_SMS_SIGN_NAME", ""),  # 签名, as approved
        "HOTLINE_SMS_TEMPLATE": env("HOTLINE_SMS_TEMPLATE", ""),  # 短信模板 code, as approved
        "HOTLINE_SMS_GATEWAY_URL": env("HOTLINE_SMS_GATEWAY_URL", ""),
        "HOTLINE_SMS_GATEWAY_SECRET": env("HOTLINE_SMS_GATEWAY_SECRET", ""),
        # Replies the gateway may post a minute (/notifications/sms/inbound), per client address.
        "HOTLINE_SMS_INBOUND_LIMIT": env("HOTLINE_SMS_INBOUND_LIMIT", "60 per minute"),
        "HOTLINE_SMS_ALIYUN_ENDPOINT": env(
            "HOTLINE_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/"
        ),
        "HOTLINE_SMS_ALIYUN_KEY_ID": env("HOTLINE_SMS_ALIYUN_KEY_ID", ""),
        "HOTLINE_SMS_ALIYUN_KEY_SECRET": env("HOTLINE_SMS_ALIYUN_KEY_SECRET", ""),
    }
