"""E-mail goes through SMTP when configured, otherwise into the outbox folder."""
from __future__ import annotations

import socketserver
import threading
from email import policy
from email.parser import BytesParser

import pytest

from app.services.mail import MailError, outbox_messages, send_mail
from app.models import Event


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to receive one plain, unauthenticated message."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.received.append(b"".join(lines))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif verb == b"RCPT":
                self.server.recipients.append(line.decode().strip())
                self.wfile.write(b"250 ok\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received, server.recipients = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _event():
    from datetime import date
    return Event(slug="x", name="Test Meeting", starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 2))


def test_without_smtp_mail_is_written_to_the_outbox_with_text_and_html(app):
    send_mail("dewi@example.id", "Hello", "rejected", event=_event(),
              person=type("P", (), {"honorific": "", "printed_name": "Dewi <b>L</b>",
                                    "reference": "LY-AAAA-BBBB", "status_note": "No seat."})())
    [message] = outbox_messages()
    assert message["To"] == "dewi@example.id" and message["Subject"] == "Hello"
    assert "Dewi <b>L</b>" in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dewi &lt;b&gt;L&lt;/b&gt;" in html  # names are escaped in the HTML part


def test_with_smtp_configured_mail_is_sent_to_the_server(app, smtp_server):
    app.config.update(LANYARD_SMTP_HOST="127.0.0.1", LANYARD_SMTP_PORT=smtp_server.server_address[1],
                      LANYARD_SMTP_SECURITY="none")
    send_mail("dewi@example.id", "Hello", "rejected", event=_event(),
              person=type("P", (), {"honorific": "", "printed_name": "Dewi",
                                    "reference": "LY-AAAA-BBBB", "status_note": ""})())
    [raw] = smtp_server.received
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["Subject"] == "Hello" and "LY-AAAA-BBBB" in message.get_body(("plain",)).get_content()
    assert [r.lower() for r in smtp_server.recipients] == ["rcpt to:<dewi@example.id>"]
    assert outbox_messages() == []


def test_an_unreachable_smtp_server_raises_mail_error(app, smtp_server):
    port = smtp_server.server_address[1]
    smtp_server.shutdown()
    smtp_server.server_close()
    app.config.update(LANYARD_SMTP_HOST="127.0.0.1", LANYARD_SMTP_PORT=port,
                      LANYARD_SMTP_SECURITY="none")
    with pytest.raises(MailError):
        send_mail("dewi@example.id", "Hello", "rejected", event=_event(),
                  person=type("P", (), {"honorific": "", "printed_name": "Dewi",
                                        "reference": "LY-AAAA-BBBB", "status_note": ""})())
