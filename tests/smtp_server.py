"""A real SMTP server on loopback for mailer tests: aiosmtpd + trustme TLS + injectable faults.

Usage::

    with smtp_server(tmp_path, faults=Faults(refuse={"nobody@example.com"})) as info:
        ctx = ssl.create_default_context(cafile=info.cafile)
        with smtplib.SMTP(info.host, info.port) as client:
            client.starttls(context=ctx)
            client.login(info.user, info.password)
            client.send_message(msg)
        assert info.received[0].tls

The server listens on 127.0.0.1 only, on a port the OS picks (no race with other tests).
"""

from __future__ import annotations

import asyncio
import email.message
import email.policy
import logging
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from pathlib import Path
from typing import Any, cast

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"  # never anything but loopback
TLS_MODES = ("starttls", "ssl", "none")

REFUSED_REPLY = "550 5.1.1 User unknown"
DEFERRED_REPLY = "451 4.3.0 Try again later"
ACCEPTED_REPLY = "250 Message accepted for delivery"

# aiosmtpd logs every command at INFO, deprecation chatter at WARNING ("Session.login_data is
# deprecated" on each successful AUTH) and the expected TLS failures with tracebacks.
_QUIET_LOGGERS = ("mail.log", "mail.debug")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # the raw message as received
    message: email.message.EmailMessage  # parsed with email.policy.default
    tls: bool  # whether the session was encrypted when DATA arrived
    auth_user: str | None  # the authenticated login, if any


@dataclass
class Faults:
    # RCPT TO these addresses -> "550 5.1.1 User unknown" (compared case-insensitively)
    refuse: set[str] = field(default_factory=set)
    # RCPT TO these -> "451 4.3.0 Try again later" the first time only (per address, server's life)
    defer_once: set[str] = field(default_factory=set)
    # Drop the TCP connection right after the body of the Nth message (1-based, counted over the
    # server's life among messages whose DATA completed): the message IS stored, the client gets no reply.
    drop_after_data: set[int] = field(default_factory=set)
    # Drop the connection when the Nth MAIL FROM (1-based, over the server's life) arrives; nothing stored.
    drop_before_data: set[int] = field(default_factory=set)
    # Seconds the server takes to acknowledge each message, after storing it: a slow server, so that
    # runs in other processes overlap, or can be killed while a message is in flight.
    reply_delay: float = 0.0
    # (The sets are copied when the server starts; changing them afterwards has no effect.)


@dataclass
class AuthAttempt:
    login: str
    tls: bool  # whether the session was encrypted when the credentials arrived
    success: bool


@dataclass
class ServerInfo:
    host: str
    port: int
    cafile: Path  # PEM of the CA the client must trust
    received: list[Received]
    user: str | None
    password: str | None
    tls: str = "starttls"
    # Every AUTH LOGIN/PLAIN that reached the server, e.g. to prove a client sent no credentials in clear.
    auth_attempts: list[AuthAttempt] = field(default_factory=list)


def _is_encrypted(server: SMTP) -> bool:
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


class _Handler:
    """aiosmtpd handler: stores messages and injects the configured faults."""

    def __init__(self, faults: Faults, received: list[Received], auth_attempts: list[AuthAttempt]):
        self.refuse = {a.lower() for a in faults.refuse}
        self.defer_once = {a.lower() for a in faults.defer_once}
        self.drop_after_data = set(faults.drop_after_data)
        self.drop_before_data = set(faults.drop_before_data)
        self.reply_delay = faults.reply_delay
        self.received = received
        self.auth_attempts = auth_attempts
        self._lock = threading.Lock()
        self._deferred: set[str] = set()
        self._mail_count = 0
        self._data_count = 0

    async def _drop(self, server: SMTP) -> None:
        """Cut the TCP connection without any reply, then wait for aiosmtpd to cancel the session.

        Returning from the hook would make aiosmtpd push a reply into the dead transport and end
        its session task with ConnectionResetError; waiting to be cancelled ends it cleanly.
        """
        transport = server.transport
        if transport is not None:
            transport.abort()  # abrupt: no SMTP reply, and no TLS close_notify either
        await asyncio.sleep(30)  # connection_lost() cancels this task long before

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        with self._lock:
            self._mail_count += 1
            drop = self._mail_count in self.drop_before_data
        if drop:
            await self._drop(server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        key = address.lower()
        if key in self.refuse:
            return REFUSED_REPLY
        with self._lock:
            defer = key in self.defer_once and key not in self._deferred
            if defer:
                self._deferred.add(key)
        if defer:
            return DEFERRED_REPLY
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        auth = session.auth_data if session.authenticated else None
        auth_user = auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None
        item = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            data=data,
            message=cast(
                email.message.EmailMessage, BytesParser(policy=email.policy.default).parsebytes(data)
            ),
            tls=_is_encrypted(server),
            auth_user=auth_user,
        )
        with self._lock:
            self._data_count += 1
            drop = self._data_count in self.drop_after_data
            self.received.append(item)  # stored before the drop, so the client can't outrun it
        if drop:
            await self._drop(server)
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return ACCEPTED_REPLY

    def authenticator(self, user: str, password: str):
        def check(
            server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
        ) -> AuthResult:
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            login = auth_data.login.decode("utf-8", "replace")
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            self.auth_attempts.append(AuthAttempt(login=login, tls=_is_encrypted(server), success=ok))
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        return check


class _SMTP(SMTP):
    """aiosmtpd's SMTP where "AUTH needs TLS" means "the transport is encrypted".

    Stock aiosmtpd 1.4 only counts STARTTLS as TLS (it checks `self._tls_protocol`), so on an
    implicit-TLS listener auth_require_tls=True refuses every AUTH with 538, and
    auth_require_tls=False emits a UserWarning on every connection.  aiosmtpd reads the
    private `_auth_require_tls` attribute in EHLO (to advertise AUTH) and AUTH (to refuse it);
    here it is computed per command instead.  auth_in_clear=True (tls="none" mode) offers and
    accepts AUTH on a plain connection, so a client that would leak credentials can be caught.
    """

    def __init__(self, *args: Any, auth_in_clear: bool = False, **kwargs: Any):
        self._auth_in_clear = auth_in_clear
        super().__init__(*args, **kwargs)

    @property
    def _auth_require_tls(self) -> bool:  # type: ignore[override]
        return not self._auth_in_clear and not _is_encrypted(self)

    @_auth_require_tls.setter
    def _auth_require_tls(self, value: bool) -> None:
        pass  # SMTP.__init__ assigns it; the property above decides


class _LoopbackController(Controller):
    """Controller that lets the OS pick the port (aiosmtpd 1.4 can't: its start-up self-test
    connects to `self.port`, which would still be 0) and records the port actually bound.
    It also builds the sessions with _SMTP."""

    def __init__(self, *args: Any, auth_in_clear: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._auth_in_clear = auth_in_clear

    def factory(self) -> SMTP:
        return _SMTP(self.handler, auth_in_clear=self._auth_in_clear, **self.SMTP_kwargs)

    def _create_server(self):
        return self._bind()

    async def _bind(self) -> asyncio.AbstractServer:
        server = await self.loop.create_server(
            self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context
        )
        self.port = server.sockets[0].getsockname()[1]
        return server


def _server_context(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    return ctx


@contextmanager
def _quiet_logging() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    saved = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, saved, strict=True):
            lg.setLevel(level)


@contextmanager
def smtp_server(
    tmp_path: Path,
    *,
    tls: str = "starttls",
    faults: Faults | None = None,
    auth: tuple[str, str] | None = ("hr-mailer", "s3cret-test"),
    untrusted: bool = False,
) -> Iterator[ServerInfo]:
    """Run a real aiosmtpd server on 127.0.0.1 (free port) for the duration of the block.

    tls="starttls": plain listener offering STARTTLS; STARTTLS is required before anything but
      EHLO/NOOP/QUIT, and AUTH is only offered after it.
    tls="ssl": implicit TLS listener (the client uses SMTP_SSL).
    tls="none": no TLS at all.  If `auth` is given, AUTH is *advertised and accepted in clear*
      so a client that would leak its credentials can be caught: check `info.auth_attempts`.
    Certificates come from a fresh trustme CA for "127.0.0.1" and "localhost"; that CA's PEM is
    written to tmp_path/"ca.pem".  untrusted=True: the server's cert is issued by a different CA
    than the one in cafile, so a verifying client must fail.
    auth: if given, AUTH LOGIN/PLAIN with exactly this user/password is required before MAIL.
    """
    if tls not in TLS_MODES:
        raise ValueError(f"tls must be one of {TLS_MODES}, not {tls!r}")
    received: list[Received] = []
    auth_attempts: list[AuthAttempt] = []
    handler = _Handler(faults or Faults(), received, auth_attempts)

    trusted_ca = trustme.CA()
    cafile = tmp_path / "ca.pem"
    trusted_ca.cert_pem.write_to_path(str(cafile))
    server_ctx = _server_context(trustme.CA() if untrusted else trusted_ca)

    kwargs: dict[str, Any] = {"server_hostname": "localhost"}  # skips socket.getfqdn(), which can be slow
    if tls == "starttls":
        kwargs.update(tls_context=server_ctx, require_starttls=True)
    elif tls == "ssl":
        kwargs.update(ssl_context=server_ctx)
    if auth is not None:
        kwargs.update(
            authenticator=handler.authenticator(*auth),
            auth_required=True,
            auth_require_tls=True,  # see _SMTP: AUTH only on an encrypted transport...
        )

    controller = _LoopbackController(
        handler,
        hostname=HOST,
        port=0,
        ready_timeout=10.0,
        auth_in_clear=(tls == "none"),  # ...except in "none" mode, on purpose
        **kwargs,
    )
    with _quiet_logging():
        try:
            controller.start()
        except BaseException:
            controller.stop(no_assert=True)  # a start-up timeout can leave the loop thread running
            raise
        try:
            yield ServerInfo(
                host=HOST,
                port=controller.port,
                cafile=cafile,
                received=received,
                user=auth[0] if auth else None,
                password=auth[1] if auth else None,
                tls=tls,
                auth_attempts=auth_attempts,
            )
        finally:
            controller.stop()
