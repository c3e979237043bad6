"""Configuration from the environment, typed, with safe defaults.

Every setting is read here and nowhere else. A bad value stops start-up with one line that
names the setting (``SettingsError``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

Environment = Literal["development", "production"]


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it."""


# The embedded store is CPU-bound (FerretDB decodes every document it returns), two queries at a
# time on two cores: with more in flight each only takes longer, until all of them run into the
# socket time-out. Four connections keep it busy and make the rest queue in the app (benchmark: 32
# readers, 32 time-outs → none); with the patched store 2, 4, 8 and 16 were tried under 32 clients
# and none did better: the same CPU per request, the differences within the machine's noise
# (bench/results/trial-pool-32-clients.md, bench/README.md "Round trips, the write path and 32 clients").
EMBEDDED_STORE_CONNECTIONS = 4
MONGODB_CONNECTIONS = 100  # pymongo's default


@dataclass(frozen=True)
class Settings:
    environment: Environment = "development"
    mongodb_uri: str | None = None
    database: str = "udkast"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    secret_key: str = ""
    demo_password: str = "udkast"
    public_url: str = "http://127.0.0.1:8000"
    graphiql: bool = False
    introspection: bool = True
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    store_timeout_ms: int = 2500
    max_body_bytes: int = 1024 * 1024
    signin_account_limit: int = 5  # failures per account before a 15-minute lock
    signin_address_limit: int = 30  # failures per client address before a 15-minute lock
    websocket_idle_seconds: int = 600  # a WebSocket without subscriptions or messages is closed after this
    store_connections: int | None = None  # None: EMBEDDED_STORE_CONNECTIONS on the embedded store, else the driver's
    smtp: SmtpServer | None = None  # None: messages go to the Maildir DATA_DIR/mail
    mail_from: str = "Udkast <udkast@localhost>"
    mail_poll_seconds: float = 10.0  # how often each process looks for due messages and reminders
    reminder_days: tuple[int, ...] = (3, 1)  # working days before a deadline that a reminder goes out

    @property
    def maildir(self) -> Path:
        return self.data_dir / "mail"

    worker_processes: int = 2  # processes for CPU-heavy work (rendering, Word in and out): server/workers.py
    work_seconds: int = 15  # the deadline of one piece of such work; past it the work is stopped and refused

    @property
    def store_pool_size(self) -> int:
        """Connections to the store at most; more requests than this wait their turn in the app."""
        if self.store_connections is not None:
            return self.store_connections
        return EMBEDDED_STORE_CONNECTIONS if self.mongodb_uri is None else MONGODB_CONNECTIONS

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def production(self) -> bool:
        return self.environment == "production"


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes (``SMTP_URL``): smtps:// is TLS from the start; smtp:// upgrades with STARTTLS,
    required when a user name is given, used when the server offers it otherwise."""

    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    def __repr__(self) -> str:  # never print the password
        return f"SmtpServer({'smtps' if self.tls else 'smtp'}://{self.host}:{self.port})"


def _smtp(env: Mapping[str, str]) -> SmtpServer | None:
    raw = env.get("SMTP_URL") or ""
    if not raw:
        return None
    problem = "use smtp://[user:password@]host[:port] or smtps://…"
    try:
        url = urlsplit(raw)
        port = url.port
    except ValueError:
        raise SettingsError(f"Invalid setting SMTP_URL: {problem}") from None
    if url.scheme not in ("smtp", "smtps") or not url.hostname or url.path not in ("", "/") or url.query:
        raise SettingsError(f"Invalid setting SMTP_URL: {problem}")
    tls = url.scheme == "smtps"
    return SmtpServer(
        host=url.hostname,
        port=port or (465 if tls else 587),
        tls=tls,
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
    )


def _mail_from(env: Mapping[str, str], public_url: str) -> str:
    raw = env.get("MAIL_FROM") or ""
    if not raw:
        return f"Udkast <udkast@{urlsplit(public_url).hostname or 'localhost'}>"
    address = raw.rsplit("<", 1)[-1].rstrip(">").strip()
    if "\n" in raw or "\r" in raw or "@" not in address or " " in address:
        raise SettingsError(f"Invalid setting MAIL_FROM={raw!r}: use an address, optionally as Name <address>.")
    return raw.strip()


def _days(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env.get(name) or ""
    if not raw:
        return default
    try:
        days = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True))
    except ValueError:
        days = ()
    if not days or not all(0 <= d <= 60 for d in days):
        raise SettingsError(f"Invalid setting {name}={raw!r}: whole numbers of working days 0–60, comma-separated.")
    return days


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"Invalid setting {name}={raw!r}: use true or false.")


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"Invalid setting {name}={raw!r}: must be a whole number.") from None
    if not low <= value <= high:
        raise SettingsError(f"Invalid setting {name}={raw!r}: must be between {low} and {high}.")
    return value


def _secret_key(env: Mapping[str, str], environment: Environment, data_dir: Path) -> str:
    key = env.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise SettingsError("Invalid setting SECRET_KEY: must be at least 32 characters.")
        return key
    if environment == "production":
        raise SettingsError("Missing setting SECRET_KEY: required when ENVIRONMENT=production.")
    # Development: one random key per data directory, kept so sessions survive restarts.
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    environment = env.get("ENVIRONMENT", "development") or "development"
    if environment not in ("development", "production"):
        raise SettingsError(f"Invalid setting ENVIRONMENT={environment!r}: use development or production.")
    production = environment == "production"
    mongodb_uri = env.get("MONGODB_URI") or None
    if mongodb_uri is not None and not mongodb_uri.startswith(("mongodb://", "mongodb+srv://")):
        raise SettingsError("Invalid setting MONGODB_URI: must start with mongodb:// or mongodb+srv://.")
    if production and mongodb_uri is None:
        raise SettingsError("Missing setting MONGODB_URI: required when ENVIRONMENT=production.")
    database = env.get("DATABASE", "udkast") or "udkast"
    if not database.replace("_", "").replace("-", "").isalnum() or len(database) > 60:
        raise SettingsError(f"Invalid setting DATABASE={database!r}: letters, digits, - and _ only.")
    port = _int(env, "PORT", 8000, 1, 65535)
    data_dir = Path(env.get("DATA_DIR", "var") or "var")
    public_url = (env.get("PUBLIC_URL") or f"http://127.0.0.1:{port}").rstrip("/")
    if not public_url.startswith(("http://", "https://")):
        raise SettingsError(f"Invalid setting PUBLIC_URL={public_url!r}: must start with http:// or https://.")
    demo_password = env.get("DEMO_PASSWORD", "udkast") or "udkast"
    return Settings(
        environment=environment,  # type: ignore[arg-type]
        mongodb_uri=mongodb_uri,
        database=database,
        host=env.get("HOST", "127.0.0.1") or "127.0.0.1",
        port=port,
        data_dir=data_dir,
        secret_key=_secret_key(env, environment, data_dir),  # type: ignore[arg-type]
        demo_password=demo_password,
        public_url=public_url,
        graphiql=_bool(env, "GRAPHIQL", False) and not production,
        introspection=_bool(env, "INTROSPECTION", not production),
        session_idle_minutes=_int(env, "SESSION_IDLE_MINUTES", 120, 5, 24 * 60),
        session_absolute_hours=_int(env, "SESSION_ABSOLUTE_HOURS", 12, 1, 24 * 14),
        store_timeout_ms=_int(env, "STORE_TIMEOUT_MS", 2500, 200, 60_000),
        signin_account_limit=_int(env, "SIGNIN_ACCOUNT_LIMIT", 5, 1, 1000),
        signin_address_limit=_int(env, "SIGNIN_ADDRESS_LIMIT", 30, 1, 100_000),
        websocket_idle_seconds=_int(env, "WEBSOCKET_IDLE_SECONDS", 600, 10, 24 * 3600),
        store_connections=_int(env, "STORE_CONNECTIONS", 0, 1, 1000) or None,
        smtp=_smtp(env),
        mail_from=_mail_from(env, public_url),
        mail_poll_seconds=_int(env, "MAIL_POLL_SECONDS", 10, 1, 3600),
        reminder_days=_days(env, "REMINDER_DAYS", (3, 1)),
        worker_processes=_int(env, "WORKER_PROCESSES", 2, 1, 64),
        work_seconds=_int(env, "WORK_SECONDS", 15, 1, 600),
    )
