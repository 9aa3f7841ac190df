"""Settings come from the environment with safe defaults, and unsafe ones are refused."""
from __future__ import annotations

import pytest

from app import create_app
from fees.config import database_url
from fees.services.base import Policy


def test_database_url_defaults_to_sqlite_under_instance():
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/openportfees.db"
    assert database_url("postgres://u@h/db", "/x") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db", "/x") == "postgresql+psycopg://u@h/db"


def test_environment_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("FEES_NOTICE_DAYS", "45")
    monkeypatch.setenv("FEES_NOTICE_POLICY", "enforce")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    app = create_app()
    policy = Policy.from_config(app.config)
    assert (policy.notice_days, policy.notice_policy, policy.timezone) == (45, "enforce", "Asia/Shanghai")


def test_every_documented_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    """The README's Configuration table promises these can be set in the environment."""
    settings = {"FEES_SEARCH_DIR": str(tmp_path / "ix"), "API_RATE_LIMIT": "5 per minute", "API_CACHE_MAX_AGE": "7",
                "OPENDATA_LICENSE": "CC0-1.0", "OPENDATA_DIR": str(tmp_path / "od")}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    config = create_app().config
    assert {key: str(config[key]) for key in settings} == settings


@pytest.mark.parametrize("env", [
    {"FEES_NOTICE_POLICY": "sometimes"},
    {"FEES_ENV": "production"},  # with the development SECRET_KEY
])
def test_unsafe_settings_are_refused(monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app()


def test_behind_trusted_proxies_the_client_address_is_the_forwarded_one(monkeypatch, tmp_path):
    """TRUSTED_PROXIES=1: the address one proxy forwards is the client's (what rate limits
    and the audit trail count); without it, the proxy's own; a forged extra hop is ignored."""
    from flask import request

    from app import create_app

    def seen(proxies: int, forwarded: str) -> str:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p{proxies}.db", "TESTING": True,
                          "TRUSTED_PROXIES": proxies})
        app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
        return app.test_client().get("/whoami", headers={"X-Forwarded-For": forwarded},
                                     environ_base={"REMOTE_ADDR": "10.0.0.1"}).get_data(as_text=True)

    assert seen(0, "203.0.113.7") == "10.0.0.1"
    assert seen(1, "203.0.113.7") == "203.0.113.7"
    assert seen(1, "198.51.100.9, 203.0.113.7") == "203.0.113.7"  # the client's own claim is not trusted
