import email
import shutil
import ssl
import subprocess
from email import policy

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from digest.compose import compose
from digest.data import gather
from digest.send import DigestSendError, deliver, list_key, send_digest
from warehouse.digests import DigestLog
from warehouse.query import run_query
from warehouse.store import Store

SENDER = "veille <veille@example.org>"
RECIPIENTS = ["analyste@example.fr", "editor@example.org"]
USER, PASSWORD = "veille", "s3cret-pa55"


@pytest.fixture
def message(empty_db, week):
    """A quiet week's digest: no charts to draw, so each test stays fast."""
    return compose(gather(Store(empty_db), week), SENDER, RECIPIENTS)


@pytest.fixture
def login_env(monkeypatch):
    monkeypatch.setenv("VEILLE_TEST_USER", USER)
    monkeypatch.setenv("VEILLE_TEST_PASSWORD", PASSWORD)
    return {"username_env": "VEILLE_TEST_USER", "password_env": "VEILLE_TEST_PASSWORD"}


def recorded(db) -> list[tuple]:
    """The digests log, read as a user would with ``veille query``."""
    return run_query(db, "SELECT week, list_key, recipients, message_id FROM digests", db.parent).rows


def checking(user: str, password: str, calls: list):
    """An aiosmtpd authenticator that accepts only this login (and notes each attempt)."""

    def authenticator(server, _client, envelope, mechanism, auth_data):
        calls.append(mechanism)
        expected = LoginPassword(user.encode(), password.encode())
        return AuthResult(success=auth_data == expected, handled=False)

    return authenticator


def test_list_key_ignores_order_and_case():
    assert list_key(["B@example.org", "a@example.org"]) == list_key(["a@example.org", "b@example.org"])
    assert list_key(["a@example.org"]) != list_key(["a@example.org", "b@example.org"])
    assert list_key(["Ana <A@example.org>"]) == list_key(["a@example.org"])


def test_accepted_once_then_refused_unless_forced(data, db, week, smtp_server, smtp_config, inbox):
    config = smtp_config(smtp_server(inbox))
    message = compose(data, SENDER, RECIPIENTS)

    first = send_digest(db, week, message, config)
    assert first.sent and first.message_id == message["Message-ID"]
    assert sorted(inbox.received[0].rcpt_tos) == sorted(RECIPIENTS)
    delivered = email.message_from_bytes(inbox.received[0].original_content, policy=policy.default)
    assert delivered["Subject"] == "veille — week 2026-W48: 7 articles, 3 languages"
    assert "深度求索开源V4模型权重" in delivered.get_body(("plain",)).get_content()
    assert recorded(db) == [("2026-W48", list_key(RECIPIENTS), RECIPIENTS, message["Message-ID"])]
    assert DigestLog(db).already_sent("2026-W48", list_key(list(reversed(RECIPIENTS))))

    again = send_digest(db, week, compose(data, SENDER, RECIPIENTS), config)
    assert not again.sent
    assert again.summary.startswith("the digest of week 2026-W48 was already sent on ")
    assert "--force" in again.summary
    assert len(inbox.received) == 1

    resent = compose(data, SENDER, RECIPIENTS)
    forced = send_digest(db, week, resent, config, force=True)
    assert forced.sent and len(inbox.received) == 2
    assert recorded(db) == [("2026-W48", list_key(RECIPIENTS), RECIPIENTS, resent["Message-ID"])]


def test_another_list_gets_the_week_too(empty_db, week, message, smtp_server, smtp_config, inbox):
    config = smtp_config(smtp_server(inbox))
    send_digest(empty_db, week, message, config)
    other = compose(gather(Store(empty_db), week), SENDER, ["someone@example.org"])
    assert send_digest(empty_db, week, other, config).sent
    assert len(recorded(empty_db)) == 2


def test_login_accepted(empty_db, week, message, smtp_server, smtp_config, login_env, inbox):
    calls = []
    port = smtp_server(inbox, authenticator=checking(USER, PASSWORD, calls), auth_require_tls=False)
    assert send_digest(empty_db, week, message, smtp_config(port, **login_env)).sent
    assert len(calls) == 1


def test_password_from_a_file(empty_db, week, message, smtp_server, smtp_config, tmp_path, monkeypatch, inbox):
    monkeypatch.setenv("VEILLE_TEST_USER", USER)
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    port = smtp_server(inbox, authenticator=checking(USER, PASSWORD, []), auth_require_tls=False)
    config = smtp_config(port, username_env="VEILLE_TEST_USER", password_file=secret)
    assert send_digest(empty_db, week, message, config).sent


def test_refused_login_is_permanent(empty_db, week, message, smtp_server, smtp_config, login_env, monkeypatch, inbox):
    monkeypatch.setenv("VEILLE_TEST_PASSWORD", "wrong-" + PASSWORD)
    calls, delays = [], []
    port = smtp_server(inbox, authenticator=checking(USER, PASSWORD, calls), auth_require_tls=False)
    with pytest.raises(DigestSendError) as caught:
        send_digest(empty_db, week, message, smtp_config(port, **login_env), sleep=delays.append)
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{port} refused the login (535): check VEILLE_TEST_USER / VEILLE_TEST_PASSWORD"
    )
    assert PASSWORD not in str(caught.value)
    assert calls  # the server was asked (smtplib tries each method it offers, on one connection)
    assert (delays, inbox.received) == ([], [])  # and not asked again
    assert recorded(empty_db) == []


def test_missing_credentials_are_named_before_connecting(message, smtp_config, unused_port):
    config = smtp_config(unused_port, username_env="VEILLE_UNSET_USER", password_env="VEILLE_UNSET_PASSWORD")
    with pytest.raises(DigestSendError, match="^VEILLE_UNSET_USER is not set"):
        deliver(message, config, sleep=lambda _: pytest.fail("no retry expected"))


def test_hang_up_mid_message_is_retried_then_reported(
    empty_db, week, message, smtp_server, smtp_config, caplog, inbox
):
    inbox.hang_ups = 3
    port = smtp_server(inbox)
    delays = []
    with pytest.raises(DigestSendError) as caught:
        send_digest(empty_db, week, message, smtp_config(port), sleep=delays.append)
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{port} closed the connection before accepting the digest (gave up after 3 attempts)"
    )
    assert (inbox.data_calls, delays) == (3, [2.0, 4.0])
    assert "retrying in 2 s" in caplog.text
    assert recorded(empty_db) == []

    # The next run finds the server healthy and sends once.
    assert send_digest(empty_db, week, message, smtp_config(port)).sent
    assert len(inbox.received) == 1 and len(recorded(empty_db)) == 1


def test_server_down_then_up(empty_db, week, message, smtp_server, smtp_config, inbox, unused_port):
    port = unused_port
    delays = []
    with pytest.raises(DigestSendError) as caught:
        send_digest(empty_db, week, message, smtp_config(port), sleep=delays.append)
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{port} refused the connection; check that it runs, and [smtp] host and port"
        " (gave up after 3 attempts)"
    )
    assert delays == [2.0, 4.0]
    assert recorded(empty_db) == []

    smtp_server(inbox, port=port)
    assert send_digest(empty_db, week, message, smtp_config(port)).sent
    assert send_digest(empty_db, week, message, smtp_config(port)).sent is False
    assert len(inbox.received) == 1 and len(recorded(empty_db)) == 1


def test_deferred_recipients_are_retried(empty_db, week, message, smtp_server, smtp_config, inbox):
    inbox.deferrals = 2  # both recipients of the first attempt
    delays = []
    result = send_digest(empty_db, week, message, smtp_config(smtp_server(inbox)), sleep=delays.append)
    assert result.sent and delays == [2.0] and len(inbox.received) == 1


def test_refused_recipients_are_permanent(empty_db, week, message, smtp_server, smtp_config, inbox):
    inbox.refused = set(RECIPIENTS)
    port = smtp_server(inbox)
    with pytest.raises(DigestSendError, match=rf"^SMTP server 127.0.0.1:{port} refused every recipient: "):
        send_digest(empty_db, week, message, smtp_config(port), sleep=lambda _: pytest.fail("no retry"))
    assert recorded(empty_db) == []


def test_one_refused_recipient_does_not_stop_the_others(empty_db, week, message, smtp_server, smtp_config, inbox):
    inbox.refused = {"editor@example.org"}
    result = send_digest(empty_db, week, message, smtp_config(smtp_server(inbox)))
    assert result.sent and result.refused == ("editor@example.org",)
    assert " to 1 recipient on " in result.summary
    assert result.summary.endswith("; the server refused editor@example.org")
    assert inbox.received[0].rcpt_tos == ["analyste@example.fr"]


def test_a_digest_without_recipients_is_refused(empty_db, week, smtp_config, unused_port):
    message = compose(gather(Store(empty_db), week), SENDER, [])
    with pytest.raises(DigestSendError, match=r"no recipients: set \[digest\] recipients"):
        send_digest(empty_db, week, message, smtp_config(unused_port))


def test_starttls_not_offered(empty_db, week, message, smtp_server, smtp_config, inbox):
    port = smtp_server(inbox)
    with pytest.raises(DigestSendError, match="does not offer STARTTLS"):
        send_digest(empty_db, week, message, smtp_config(port, security="starttls"))


# -- TLS, with a throwaway certificate the client is told to trust -------------


@pytest.fixture
def certificate(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed, so no test certificate can be made")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def test_starttls_with_login(empty_db, week, message, smtp_server, smtp_config, login_env, certificate,
                             monkeypatch, inbox):
    cert, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    port = smtp_server(inbox, tls_context=context, require_starttls=True,
                       authenticator=checking(USER, PASSWORD, []))
    assert send_digest(empty_db, week, message, smtp_config(port, security="starttls", **login_env)).sent
    assert len(inbox.received) == 1


def test_implicit_tls(empty_db, week, message, smtp_server, smtp_config, certificate, monkeypatch, inbox):
    cert, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    port = smtp_server(inbox, ssl_context=context)
    assert send_digest(empty_db, week, message, smtp_config(port, security="tls")).sent
    assert len(inbox.received) == 1


def test_untrusted_certificate_is_permanent(empty_db, week, message, smtp_server, smtp_config, certificate,
                                            tmp_path, monkeypatch, inbox):
    _, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    port = smtp_server(inbox, tls_context=context, require_starttls=True)
    with pytest.raises(DigestSendError, match=rf"^the TLS certificate of SMTP server 127.0.0.1:{port} could not"):
        send_digest(empty_db, week, message, smtp_config(port, security="starttls"),
                    sleep=lambda _: pytest.fail("no retry"))
    assert recorded(empty_db) == []
