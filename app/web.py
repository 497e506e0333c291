"""What every page shares: security headers, the login hook, error pages, template helpers."""
from __future__ import annotations

import math
import mimetypes
import time

from flask import Flask, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.routing import IntegerConverter

from sqlalchemy import select

from .extensions import db, limiter, login_manager
from .formkit import EventChoiceForm, select_choices
from .models import Event
from .models._types import MAX_ID, utcnow
from .services.errors import ServiceError
from .services.people import unstorable_character
from .services.photos import read_photo
from .services.staff import user_for_session

#: Listings stop here: a larger page would ask the database for an offset it cannot hold.
MAX_PAGE = 100_000


class RowId(IntegerConverter):
    """<int:...> in an address: an id a table can hold. A larger number names no row, so the
    address is not found (404) rather than overflowing in the database driver."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def page_number() -> int:
    """The ?page= of a listing, from 1 to MAX_PAGE."""
    return min(max(1, request.args.get("page", 1, type=int)), MAX_PAGE)


def chosen_event() -> Event | None:
    """The event named by ?event= (404 if there is none such), else the newest, else None."""
    slug = request.args.get("event")
    if slug:
        return db.session.scalar(select(Event).where(Event.slug == slug)) or abort(404)
    return db.session.scalar(select(Event).order_by(Event.starts_on.desc(), Event.id.desc()))


def event_choice(event: Event | None) -> EventChoiceForm:
    """The form that switches a reading page to another event, `event` chosen."""
    form = EventChoiceForm(formdata=None, data={"event": event.slug if event else ""})
    form.event.choices = select_choices((e.slug, e.name) for e in db.session.scalars(
        select(Event).order_by(Event.starts_on.desc(), Event.id.desc())))
    return form


def export_file_name(event: Event, what: str, extension: str = "csv") -> str:
    """E.g. "scans-amim22-20261128-0815.csv": what, which event, when on the venue's clock."""
    stamp = event.at_venue(utcnow()).strftime("%Y%m%d-%H%M")
    return f"{what}-{event.slug}-{stamp}.{extension}"


def refuse_unstorable_text() -> None:
    """No NUL character (or lone surrogate) in an address, query or form: no browser sends one
    and no database keeps one, so the request is refused (400) before any handler sees it."""
    texts = list((request.view_args or {}).values())
    for fields in (request.args, request.form):
        for name, value in fields.items(multi=True):
            texts += (name, value)
    texts += [upload.filename or "" for _, upload in request.files.items(multi=True)]
    for text in texts:
        bad = unstorable_character(text) if isinstance(text, str) else None
        if bad:
            raise BadRequest(f"The request contains {bad}, which no form or address may carry. "
                             "Go back, check what was typed or pasted, and try again.")


def photo_response(person) -> Response:
    """A person's photo for a staff page; the caller has checked the role. Never cached."""
    return stored_photo_response(person.photo_file)


def stored_photo_response(name: str | None) -> Response:
    """A stored photo (a person's, or one a retake replaced); the caller has checked the role."""
    return jpeg_response(read_photo(name or ""))


def jpeg_response(data: bytes | None) -> Response:
    """A photo the caller may show (404 if there is none). Never cached."""
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


MIMETYPES = {"csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download_response(data: bytes, fmt: str, filename: str) -> Response:
    """An exported list as a file download (`fmt` is one of exports.FORMATS)."""
    response = Response(data, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attempt(action, *args, done: str) -> bool:
    """Run a service call for a button; flash its refusal (nothing changed) or `done`."""
    try:
        action(*args)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    flash(done, "success")
    return True


def install_web_defaults(app: Flask) -> None:
    # The door's QR decoder compiles its .wasm while downloading only when served as
    # application/wasm (else it logs an error and fetches it again); a host's MIME table may differ.
    mimetypes.add_type("application/wasm", ".wasm")
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    # "basic", not "strong": door phones move between venue Wi-Fi and mobile data,
    # and a changed IP address must not log door staff out mid-shift.
    login_manager.session_protection = "basic"

    # Also reads a remember cookie, were one ever set: it carries the same token and dies with it.
    login_manager.user_loader(user_for_session)

    @app.after_request
    def security_headers(response):
        # No inline scripts anywhere, no third-party origins: the app serves all it needs.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
            "script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; object-src 'none'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint and not request.endpoint.startswith(("static", "register.")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        app.logger.info("CSRF refused: %s", error.description)
        return render_template("error.html", title="Form expired",
                               message="The form was not accepted because its security token is "
                                       "missing or expired. Reload the page and try again."), 400

    app.before_request(refuse_unstorable_text)

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("error.html", title="Not accepted", message=error.description), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # Pages and e-mailed links are only ever built on the hosts this site is configured for.
        # No links on this page: the app cannot build any for a host it does not serve.
        return Response("<!doctype html><html lang=en><meta charset=utf-8><title>Unknown address"
                        "</title><h1>Unknown address</h1><p>This server does not answer for that "
                        "address.</p></html>", 400, mimetype="text/html")

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("error.html", title="Not allowed",
                               message="Your account does not have access to this page."), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("error.html", title="Not found",
                               message="There is nothing at this address."), 404

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("error.html", title="Something went wrong",
                               message="The request could not be completed. Reload the page "
                                       "to see what was saved, then try again; if it happens "
                                       "again, tell the accreditation office."), 500

    @app.errorhandler(413)
    def too_large(error):
        return render_template("error.html", title="Upload too large",
                               message="The upload is larger than this server accepts. "
                                       "Photos may be up to 10 MB."), 413

    @app.errorhandler(429)
    def too_many(error):
        response = make_response(render_template(
            "error.html", title="Too many attempts",
            message="Too many submissions from your network. Please wait a minute and try again."), 429)
        if limiter.current_limit is not None:
            wait = limiter.current_limit.reset_at - time.time()
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    @app.route("/")
    def home():
        return redirect(url_for("auth.login"))

    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for it whatever the page links; the icon is the SVG every page names.
        return redirect(url_for("static", filename="favicon.svg"), 301)

    @app.template_filter("with_article")
    def with_article(name: str) -> str:
        """A meeting's name as a sentence names it: "the 22nd ASEAN ... Meeting"."""
        return name if name[:4].lower() == "the " else f"the {name}"

    @app.template_filter("capitalize_first")
    def capitalize_first(text: str) -> str:
        """Jinja's capitalize lowers the rest ("Asean"); this leaves it as written."""
        return text[:1].upper() + text[1:]

    @app.template_filter("at_venue")
    def at_venue(value, event, fmt: str = "%d %b %H:%M") -> str:
        """A UTC time as the clock at the venue shows it: what desk staff and delegates see."""
        return event.at_venue(value).strftime(fmt) if value is not None else ""

    @app.context_processor
    def helpers():
        from .services.countries import country_name
        return {"country_name": country_name, "event_logo_url": event_logo_url}


def event_logo_url(event: Event) -> str | None:
    """Where a public page finds the event's logo; None if the admin has not uploaded one."""
    from .services.branding import has_event_logo
    return url_for("register.logo", slug=event.slug) if has_event_logo(event) else None
