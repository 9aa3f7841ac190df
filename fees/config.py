"""Settings from environment variables, with safe defaults for the embedded mode."""
from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET = "dev-only-not-secret"
ROOT = Path(__file__).resolve().parent.parent


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL (postgres:// accepted) or SQLite under instance/."""
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'openportfees.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def from_environment(instance_path: str) -> dict:
    """Read every setting the app knows (documented in README, Configuration)."""
    env = os.environ
    return {
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        "FEES_ENV": env.get("FEES_ENV", "development"),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL", ""),
        "MIGRATIONS_DIR": str(ROOT / "migrations"),
        "FEES_NOTICE_DAYS": int(env.get("FEES_NOTICE_DAYS", "30")),
        "FEES_NOTICE_POLICY": env.get("FEES_NOTICE_POLICY", "flag"),
        "FEES_TIMEZONE": env.get("FEES_TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": env.get("FEES_TIMEZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "MAX_CONTENT_LENGTH": int(env.get("FEES_MAX_UPLOAD_MB", "5")) * 1024 * 1024,
        "FEES_SESSION_HOURS": int(env.get("FEES_SESSION_HOURS", "8")),
        # Brute-force protection of /login (fees/views/auth.py, fees/services/accounts.py)
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCKOUT_MINUTES": int(env.get("LOGIN_LOCKOUT_MINUTES", "15")),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust
        # (fees/security.py): rate limits and the audit trail then see the client's address.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "FEES_SEARCH_DIR": env.get("FEES_SEARCH_DIR", ""),  # empty: <instance>/search-index
        # The public API (opendata/api/http.py) and the open data (opendata/package.py, bulk.py)
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "300 per minute"),
        "API_CACHE_MAX_AGE": int(env.get("API_CACHE_MAX_AGE", "60")),
        "OPENDATA_LICENSE": env.get("OPENDATA_LICENSE", "CC-BY-4.0"),
        "OPENDATA_LICENSE_URL": env.get("OPENDATA_LICENSE_URL", ""),
        "OPENDATA_PUBLISHER_NAME": env.get("OPENDATA_PUBLISHER_NAME", "Open Port Fees"),
        "OPENDATA_PUBLISHER_URL": env.get("OPENDATA_PUBLISHER_URL", ""),
        "OPENDATA_CONTACT_EMAIL": env.get("OPENDATA_CONTACT_EMAIL", ""),
        "OPENDATA_BASE_URL": env.get("OPENDATA_BASE_URL", ""),
        "OPENDATA_DIR": env.get("OPENDATA_DIR", ""),
        "OPENDATA_RETRY_SECONDS": int(env.get("OPENDATA_RETRY_SECONDS", "60")),
    }


def check(config) -> None:
    """Refuse settings that would be unsafe or meaningless."""
    if config["FEES_NOTICE_POLICY"] not in ("flag", "enforce"):
        raise RuntimeError("FEES_NOTICE_POLICY must be 'flag' or 'enforce'")
    if config["FEES_NOTICE_DAYS"] < 0:
        raise RuntimeError("FEES_NOTICE_DAYS must be 0 or more")
    if config["LOGIN_MAX_FAILURES"] < 0 or config["LOGIN_LOCKOUT_MINUTES"] < 1:
        raise RuntimeError("LOGIN_MAX_FAILURES must be 0 or more and LOGIN_LOCKOUT_MINUTES 1 or more")
    if config["TRUSTED_PROXIES"] < 0:
        raise RuntimeError("TRUSTED_PROXIES must be 0 or more (the number of proxies in front of the app)")
    if config["FEES_ENV"] == "production" and config["SECRET_KEY"] == DEV_SECRET:
        raise RuntimeError("Set SECRET_KEY: the development default is refused in production")
