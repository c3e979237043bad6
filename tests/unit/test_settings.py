"""Settings: safe defaults, and one clear line naming a bad setting."""

from __future__ import annotations

import email.policy
import mailbox
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from server.notifications.sender import transport_for
from server.settings import SettingsError, load


def test_defaults(tmp_path: Path) -> None:
    settings = load({"DATA_DIR": str(tmp_path)})
    assert (settings.port, settings.database, settings.mongodb_uri) == (8000, "udkast", None)
    assert settings.public_url == "http://127.0.0.1:8000" and not settings.secure_cookies
    assert len(settings.secret_key) >= 32
    assert load({"DATA_DIR": str(tmp_path)}).secret_key == settings.secret_key  # kept per data directory


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"MONGODB_URI": "postgres://x"}, "MONGODB_URI"),
        ({"ENVIRONMENT": "staging"}, "ENVIRONMENT"),
        ({"ENVIRONMENT": "production", "MONGODB_URI": "mongodb://db"}, "SECRET_KEY"),
        ({"ENVIRONMENT": "production", "SECRET_KEY": "k" * 40}, "MONGODB_URI"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"GRAPHIQL": "maybe"}, "GRAPHIQL"),
        ({"DATABASE": "no/slash"}, "DATABASE"),
        ({"STORE_CONNECTIONS": "0"}, "STORE_CONNECTIONS"),
        ({"SMTP_URL": "http://mail.example"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://:587"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://mail.example:99999"}, "SMTP_URL"),
        ({"MAIL_FROM": "ikke en adresse"}, "MAIL_FROM"),
        ({"REMINDER_DAYS": "3,tre"}, "REMINDER_DAYS"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load({"DATA_DIR": str(tmp_path), **env})


def test_production_turns_off_developer_surfaces(tmp_path: Path) -> None:
    settings = load(
        {
            "ENVIRONMENT": "production",
            "MONGODB_URI": "mongodb://db",
            "SECRET_KEY": "k" * 40,
            "GRAPHIQL": "true",
            "PUBLIC_URL": "https://udkast.example",
            "DATA_DIR": str(tmp_path),
        }
    )
    assert not settings.graphiql and not settings.introspection and settings.secure_cookies


def test_store_connections_are_few_on_the_embedded_store_unless_set(tmp_path: Path) -> None:
    assert load({"DATA_DIR": str(tmp_path)}).store_pool_size == 4
    assert load({"DATA_DIR": str(tmp_path), "MONGODB_URI": "mongodb://db"}).store_pool_size == 100
    assert load({"DATA_DIR": str(tmp_path), "STORE_CONNECTIONS": "12"}).store_pool_size == 12


def test_mail_goes_to_a_maildir_unless_smtp_url_is_set(tmp_path: Path) -> None:
    default = load({"DATA_DIR": str(tmp_path)})
    assert default.smtp is None and default.maildir == tmp_path / "mail"
    assert default.reminder_days == (3, 1) and default.mail_from == "Udkast <udkast@127.0.0.1>"
    settings = load({"DATA_DIR": str(tmp_path), "SMTP_URL": "smtps://udkast:hemmelig%21@mail.example.dk"})
    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.tls) == ("mail.example.dk", 465, True)
    assert (settings.smtp.username, settings.smtp.password) == ("udkast", "hemmelig!")
    assert "hemmelig" not in repr(settings)
    assert load({"DATA_DIR": str(tmp_path), "SMTP_URL": "smtp://mail.example.dk"}).smtp.port == 587  # type: ignore[union-attr]


def test_a_bad_smtp_url_is_named_without_its_password(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        load({"DATA_DIR": str(tmp_path), "SMTP_URL": "smtp://bruger:hemmelig@mail.example.dk:port"})
    assert "SMTP_URL" in str(raised.value) and "hemmelig" not in str(raised.value)


@pytest.mark.parametrize("existing", ["none", "empty folder"])
async def test_without_smtp_url_a_message_lands_in_the_maildir_that_make_run_reads(
    tmp_path: Path, existing: str
) -> None:
    settings = load({"DATA_DIR": str(tmp_path)})
    if existing == "empty folder":
        settings.maildir.mkdir(parents=True)
    message = EmailMessage()
    message["Subject"] = "Skriftlig proces åbnet: Kommissorium"
    message["To"] = "karen@kl.example"
    message.set_content("Fristen er fredag den 11. december 2026 kl. 12.00.")
    await transport_for(settings).deliver(message)

    box = mailbox.Maildir(settings.maildir, create=False)
    received = [BytesParser(policy=email.policy.default).parsebytes(box.get_bytes(key)) for key in box.keys()]
    assert [m["Subject"] for m in received] == ["Skriftlig proces åbnet: Kommissorium"]
    assert "fredag den 11. december" in received[0].get_content()
