"""Sending e-mail: through SMTP when LANYARD_SMTP_HOST is set, otherwise into an
outbox folder in the instance directory, so demos and tests need no mail server.

Every message has a plain-text and an HTML part, rendered from
templates/emails/<name>.txt and templates/emails/<name>.html.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def build_message(to: str, subject: str, template: str, *, images: dict[str, bytes] | None = None,
                  **context) -> EmailMessage:
    """`images` are PNGs shown inside the HTML part: the template names each `cid:<key>`
    through the `cids` it is given."""
    message = EmailMessage()
    message["From"] = current_app.config["LANYARD_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="lanyard")
    message["Date"] = datetime.now(timezone.utc)
    message.set_content(render_template(f"emails/{template}.txt", **context))
    cids = {key: make_msgid(domain="lanyard") for key in images or {}}
    message.add_alternative(render_template(f"emails/{template}.html", **context,
                                            cids={k: v.strip("<>") for k, v in cids.items()}),
                            subtype="html")
    html = message.get_payload()[1]
    for key, png in (images or {}).items():
        html.add_related(png, "image", "png", cid=cids[key], filename=f"{key}.png",
                         disposition="inline")
    return message


def send_mail(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render and send one message; MailError if the SMTP server refuses it."""
    message = build_message(to, subject, template, **context)
    if current_app.config.get("LANYARD_SMTP_HOST"):
        _send_smtp(message)
    else:
        _write_to_outbox(message)
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port = config["LANYARD_SMTP_HOST"], int(config["LANYARD_SMTP_PORT"])
    security = (config.get("LANYARD_SMTP_SECURITY") or "starttls").lower()
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=20, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=20)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config.get("LANYARD_SMTP_USERNAME"):
                server.login(config["LANYARD_SMTP_USERNAME"], config["LANYARD_SMTP_PASSWORD"])
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Mail to {message['To']} not sent: {exc}") from exc


def outbox_dir() -> Path:
    path = Path(current_app.config["LANYARD_OUTBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_to_outbox(message: EmailMessage) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    name = f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    (outbox_dir() / name).write_bytes(bytes(message))


def outbox_messages() -> list[EmailMessage]:
    """Messages in the outbox, oldest first (for the demo and the tests)."""
    from email import policy
    from email.parser import BytesParser
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(outbox_dir().glob("*.eml"))]
