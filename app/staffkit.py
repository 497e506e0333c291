"""What the vetting and desk pages share: the person a page is about, and acting on what
that page showed (a decision or desk action names the application revision it saw)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput

from .extensions import db
from .models import Delegate
from .services.errors import ServiceError
from .services.revisions import ChangedSinceOpened


class SeenForm(FlaskForm):
    """A decision or desk action about what the page showed: it names the application's revision."""

    revision = IntegerField(widget=HiddenInput(), validators=[
        InputRequired("This page is out of date; reload it and try again."), NumberRange(min=0)])


def person_or_404(delegate_id: int) -> Delegate:
    return db.session.get(Delegate, delegate_id) or abort(404)


def on_what_was_seen(form: SeenForm, action, done: str | None = None):
    """Run a decision or desk action made on the page's revision of a person.

    Returns the action's result (True if it returns nothing), or None after flashing why
    nothing changed; an application that changed since the page was loaded is remembered
    for `back_to_person`, which then shows what changed.
    """
    if not form.validate_on_submit():
        problems = [message for errors in form.errors.values() for message in errors]
        flash(problems[0] if problems else "The form was not complete.", "error")
        return None
    try:
        result = action(form.revision.data)
    except ChangedSinceOpened as exc:
        db.session.rollback()
        flash(exc.message, "error")
        g.changed_since = exc.seen
        return None
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return None
    if done:
        flash(done, "success")
    return result if result is not None else True


def back_to_person(endpoint: str, person: Delegate):
    """Back to the person's page; after a refusal for a change, showing what changed."""
    return redirect(url_for(endpoint, delegate_id=person.id, since=g.get("changed_since")))
