"""Proves the loopback SMTP harness (tests/smtp_server.py) with the plain smtplib client."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import pytest

from tests.smtp_server import Faults, ServerInfo, smtp_server

SENDER = "hr@example.com"
TIMEOUT = 10  # seconds; every client call here answers in milliseconds


def _message(to: str = "zhangwei@example.com", subject: str = "2026年10月绩效考核结果通知") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("张伟，您好：\n\n附件是您的考核结果。\n")
    return msg


def _context(info: ServerInfo) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(info.cafile))


def _client(info: ServerInfo, *, login: bool = True) -> smtplib.SMTP:
    """A connected client, encrypted the way the server's mode wants, logged in unless told not to."""
    if info.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(info.host, info.port, context=_context(info), timeout=TIMEOUT)
    else:
        client = smtplib.SMTP(info.host, info.port, timeout=TIMEOUT)
        if info.tls == "starttls":
            client.starttls(context=_context(info))
    if login:
        assert info.user and info.password
        client.login(info.user, info.password)
    return client


def test_starttls_login_sends_one_message(tmp_path):
    with smtp_server(tmp_path) as info:
        assert info.host == "127.0.0.1"
        assert info.cafile == tmp_path / "ca.pem" and info.cafile.read_text().startswith("-----BEGIN")
        with _client(info) as client:
            refused = client.send_message(_message())
        assert refused == {}
        assert len(info.received) == 1
        got = info.received[0]
        assert got.tls is True
        assert got.auth_user == "hr-mailer"
        assert got.mail_from == SENDER
        assert got.rcpt_tos == ["zhangwei@example.com"]
        assert got.message["Subject"] == "2026年10月绩效考核结果通知"
        assert "附件是您的考核结果" in got.message.get_content()
        assert b"Subject:" in got.data
        assert [(a.login, a.tls, a.success) for a in info.auth_attempts] == [("hr-mailer", True, True)]


def test_starttls_is_required_before_mail_and_auth(tmp_path):
    with smtp_server(tmp_path) as info, smtplib.SMTP(info.host, info.port, timeout=TIMEOUT) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        assert not client.has_extn("auth")  # AUTH is only offered once the session is encrypted
        code, _ = client.mail(SENDER)
        assert code == 530
    assert info.received == []


def test_ssl_mode_with_smtp_ssl(tmp_path):
    with smtp_server(tmp_path, tls="ssl") as info:
        with smtplib.SMTP_SSL(info.host, info.port, context=_context(info), timeout=TIMEOUT) as client:
            client.login(info.user, info.password)
            client.send_message(_message(to="lina@example.com"))
        [got] = info.received
        assert got.tls is True
        assert got.auth_user == "hr-mailer"
        assert got.rcpt_tos == ["lina@example.com"]
        assert got.message["Subject"] == "2026年10月绩效考核结果通知"


def test_wrong_password_is_rejected(tmp_path):
    with smtp_server(tmp_path) as info, _client(info, login=False) as client:
        with pytest.raises(smtplib.SMTPAuthenticationError) as exc:
            client.login(info.user, "wrong")
        assert exc.value.smtp_code == 535
    assert info.received == []


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_untrusted_certificate_fails_verification(tmp_path, tls):
    with smtp_server(tmp_path, tls=tls, untrusted=True) as info:
        with pytest.raises(ssl.SSLCertVerificationError):
            if tls == "ssl":
                smtplib.SMTP_SSL(info.host, info.port, context=_context(info), timeout=TIMEOUT)
            else:
                with smtplib.SMTP(info.host, info.port, timeout=TIMEOUT) as client:
                    client.starttls(context=_context(info))
        assert info.received == []
        assert info.auth_attempts == []


def test_login_before_starttls_is_refused(tmp_path):
    with smtp_server(tmp_path) as info, smtplib.SMTP(info.host, info.port, timeout=TIMEOUT) as client:
        client.ehlo()
        code, _ = client.docmd("AUTH", "PLAIN")
        assert code == 530  # "Must issue a STARTTLS command first"
    assert info.auth_attempts == []


def test_auth_required(tmp_path):
    with smtp_server(tmp_path) as info, _client(info, login=False) as client:
        with pytest.raises(smtplib.SMTPSenderRefused) as exc:
            client.send_message(_message())
        assert exc.value.smtp_code == 530
    assert info.received == []


def test_none_mode_offers_auth_in_clear_and_records_it(tmp_path):
    with (
        smtp_server(tmp_path, tls="none") as info,
        smtplib.SMTP(info.host, info.port, timeout=TIMEOUT) as client,
    ):
        client.ehlo()
        assert not client.has_extn("starttls")
        assert client.has_extn("auth")
        client.login(info.user, info.password)
        client.send_message(_message())
    assert [(a.login, a.tls) for a in info.auth_attempts] == [("hr-mailer", False)]
    [got] = info.received
    assert got.tls is False and got.auth_user == "hr-mailer"


def test_no_auth(tmp_path):
    with smtp_server(tmp_path, auth=None) as info, _client(info, login=False) as client:
        assert not client.has_extn("auth")
        client.send_message(_message())
    [got] = info.received
    assert got.tls is True and got.auth_user is None
    assert info.user is None and info.password is None


def test_refused_recipient(tmp_path):
    faults = Faults(refuse={"nobody@example.com"})
    with smtp_server(tmp_path, faults=faults) as info, _client(info) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
            client.send_message(_message(to="nobody@example.com"))
        code, text = exc.value.recipients["nobody@example.com"]
        assert code == 550 and text == b"5.1.1 User unknown"
        # one refused recipient out of two: the message goes to the other one
        msg = _message(to="nobody@example.com, lina@example.com")
        assert client.send_message(msg) == {"nobody@example.com": (550, b"5.1.1 User unknown")}
    [got] = info.received
    assert got.rcpt_tos == ["lina@example.com"]


def test_defer_once(tmp_path):
    faults = Faults(defer_once={"lina@example.com"})
    with smtp_server(tmp_path, faults=faults) as info, _client(info) as client:
        client.mail(SENDER)
        assert client.rcpt("lina@example.com") == (451, b"4.3.0 Try again later")
        assert client.rcpt("lina@example.com")[0] == 250
        client.rset()
        assert client.send_message(_message(to="lina@example.com")) == {}
    [got] = info.received
    assert got.rcpt_tos == ["lina@example.com"]


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_drop_after_data_stores_the_message_but_sends_no_reply(tmp_path, tls):
    faults = Faults(drop_after_data={2})
    with smtp_server(tmp_path, tls=tls, faults=faults) as info:
        with _client(info) as client:
            client.send_message(_message(subject="第一封"))
            with pytest.raises(smtplib.SMTPServerDisconnected):
                client.send_message(_message(subject="第二封"))
        assert [r.message["Subject"] for r in info.received] == ["第一封", "第二封"]
        assert info.received[1].tls is True
        # the server keeps serving: a new connection delivers the third message normally
        with _client(info) as client:
            assert client.send_message(_message(subject="第三封")) == {}
        assert [r.message["Subject"] for r in info.received] == ["第一封", "第二封", "第三封"]


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_drop_before_data_stores_nothing(tmp_path, tls):
    faults = Faults(drop_before_data={1, 3})
    with smtp_server(tmp_path, tls=tls, faults=faults) as info:
        with _client(info) as client, pytest.raises(smtplib.SMTPServerDisconnected):
            client.send_message(_message(subject="第一封"))
        assert info.received == []
        with _client(info) as client:
            client.send_message(_message(subject="第二封"))  # the 2nd MAIL FROM is not dropped
            with pytest.raises(smtplib.SMTPServerDisconnected):
                client.send_message(_message(subject="第三封"))
        assert [r.message["Subject"] for r in info.received] == ["第二封"]


def test_bad_tls_mode():
    with pytest.raises(ValueError), smtp_server(tmp_path=None, tls="implicit"):  # type: ignore[arg-type]
        pass
