"""Every LANYARD_ setting in one place, read from the environment."""
from __future__ import annotations

import base64
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_path_from_env() -> str | None:
    return os.environ.get("LANYARD_INSTANCE_PATH") or None


def load_config(instance_path: str) -> dict:
    """Settings for a new app; `instance_path` already exists."""
    instance = Path(instance_path)
    database_url = os.environ.get("LANYARD_DATABASE_URL") or f"sqlite:///{instance / 'lanyard.db'}"
    base_url = os.environ.get("LANYARD_BASE_URL", "").rstrip("/")
    return {
        "SECRET_KEY": os.environ.get("LANYARD_SECRET_KEY") or _instance_secret(
            instance / "secret_key", lambda: secrets.token_hex(32)),
        # Encrypts the events' badge-signing keys in the database: kept apart from it.
        "LANYARD_KEY_ENCRYPTION_KEY": os.environ.get("LANYARD_KEY_ENCRYPTION_KEY") or _instance_secret(
            instance / "key_encryption_key",
            lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Photos and generated files are personal data: they live beside the
        # database in the instance folder, never under static/.
        "LANYARD_PHOTO_DIR": str(instance / "photos"),
        # Photos of forms that came back with an error, until the form is sent again.
        "LANYARD_HELD_PHOTO_DIR": str(instance / "held-photos"),
        "LANYARD_OUTBOX_DIR": str(instance / "outbox"),
        # Background jobs (print runs): "thread" runs each in a thread of the app, "inline"
        # in the request that starts it.
        "LANYARD_JOB_RUNNER": os.environ.get("LANYARD_JOB_RUNNER", "thread"),
        # Seconds a running job may go without reporting before it is taken for dead (its
        # server restarted): shown as failed, to be started again.
        "LANYARD_JOB_STALE_AFTER": int(os.environ.get("LANYARD_JOB_STALE_AFTER", "300")),
        # Badges per file of a print run, and its render processes (0: one per core).
        "LANYARD_PRINT_RUN_FILE_BADGES": int(os.environ.get("LANYARD_PRINT_RUN_FILE_BADGES", "200")),
        "LANYARD_PRINT_RUN_WORKERS": int(os.environ.get("LANYARD_PRINT_RUN_WORKERS", "0")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("LANYARD_MAX_UPLOAD_MB", "12")) * 1024 * 1024,
        # An administrator's delegate list with all its photos in one ZIP file.
        "LANYARD_MAX_IMPORT_MB": int(os.environ.get("LANYARD_MAX_IMPORT_MB", "200")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("LANYARD_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _env_bool("LANYARD_SECURE_COOKIES", True),
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "RATELIMIT_STORAGE_URI": os.environ.get("LANYARD_RATELIMIT_STORAGE_URI", "memory://"),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted;
        # without this, rate limits and the audit trail see only the proxy's address.
        "LANYARD_PROXY_HOPS": int(os.environ.get("LANYARD_PROXY_HOPS", "0")),
        # Flask-Limiter's headers would stamp every answer of a limited page with its own
        # Retry-After, overriding the login's delay; its refusals get one in web.py instead.
        "RATELIMIT_HEADERS_ENABLED": False,
        # Links in e-mails are built on this address (e.g. https://accreditation.example.org);
        # without it, on the address of the request that sends the mail.
        "LANYARD_BASE_URL": base_url,
        # Requests naming any other host are refused: links in e-mails are built on the host
        # a request names (when LANYARD_BASE_URL is unset), so it must be one of ours.
        "TRUSTED_HOSTS": trusted_hosts(os.environ.get("LANYARD_TRUSTED_HOSTS", ""), base_url),
        "LANYARD_STATUS_LINK_DAYS": int(os.environ.get("LANYARD_STATUS_LINK_DAYS", "90")),
        # Mail goes out through SMTP when a host is set, otherwise into LANYARD_OUTBOX_DIR.
        "LANYARD_MAIL_FROM": os.environ.get("LANYARD_MAIL_FROM", "accreditation@localhost"),
        "LANYARD_SMTP_HOST": os.environ.get("LANYARD_SMTP_HOST", ""),
        "LANYARD_SMTP_PORT": int(os.environ.get("LANYARD_SMTP_PORT", "587")),
        "LANYARD_SMTP_USERNAME": os.environ.get("LANYARD_SMTP_USERNAME", ""),
        "LANYARD_SMTP_PASSWORD": os.environ.get("LANYARD_SMTP_PASSWORD", ""),
        # "starttls" (port 587), "ssl" (port 465) or "none" (a relay on localhost).
        "LANYARD_SMTP_SECURITY": os.environ.get("LANYARD_SMTP_SECURITY", "starttls"),
        # The CUPS server desk stations print through ("host" or "host:port"); empty: the
        # machine's own (or CUPS_SERVER, as every CUPS client reads it).
        "LANYARD_CUPS_SERVER": os.environ.get("LANYARD_CUPS_SERVER", ""),
        # How long the kiosk code in an approval e-mail works after the event's last day.
        "LANYARD_KIOSK_CODE_DAYS_AFTER": int(os.environ.get("LANYARD_KIOSK_CODE_DAYS_AFTER", "1")),
    }


# A laptop demo is served on these; a deployment names its own hosts.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def trusted_hosts(setting: str, base_url: str) -> list[str]:
    """Host names requests may name: LANYARD_TRUSTED_HOSTS (comma- or space-separated),
    else the host of LANYARD_BASE_URL and the loopback names."""
    hosts = [host for host in re.split(r"[\s,]+", setting) if host]
    if hosts:
        return hosts
    base_host = urlsplit(base_url).hostname if base_url else None
    return [*([base_host] if base_host else []), *LOOPBACK_HOSTS]


def normalise_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(path: Path, make) -> str:
    """A secret generated once per installation and kept, readable by its owner only, in the
    instance folder."""
    if path.exists():
        return path.read_text().strip()
    key = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
