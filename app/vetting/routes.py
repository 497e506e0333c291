"""The accreditation office's pages: the queue, a person's application, the decisions."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import func, select

from ..auth.access import role_required
from ..extensions import db
from ..models import PENDING_STATES, Delegate, DelegateStatus, StaffRole
from ..services import vetting
from ..services.audit import Actor
from ..services.registration import duplicates_by_delegate, find_duplicates
from ..services.revisions import changes_since
from ..staffkit import SeenForm, back_to_person, on_what_was_seen, person_or_404
from ..web import page_number, photo_response
from . import vetting_bp
from .forms import NoteForm

# The accreditation office decides; the security office clears. Both read the applications.
VETTING = (StaffRole.ACCREDITATION, StaffRole.SECURITY)
ACCREDITATION = (StaffRole.ACCREDITATION,)
SECURITY = (StaffRole.SECURITY,)
QUEUE_PAGE = 100


@vetting_bp.route("/queue")
@role_required(*VETTING)
def queue():
    wanted = request.args.get("status", "open")
    query = select(Delegate).order_by(Delegate.created_at, Delegate.id)
    if wanted == "open":
        query = query.where(Delegate.status.in_(PENDING_STATES))
    elif wanted in {s.value for s in DelegateStatus}:
        query = query.where(Delegate.status == DelegateStatus(wanted))
    page = page_number()
    delegates = db.session.scalars(
        query.offset((page - 1) * QUEUE_PAGE).limit(QUEUE_PAGE + 1)).all()
    has_more = len(delegates) > QUEUE_PAGE
    delegates = delegates[:QUEUE_PAGE]
    counts = dict(db.session.execute(
        select(Delegate.status, func.count()).group_by(Delegate.status)).all())
    return render_template("vetting/queue.html", delegates=delegates, wanted=wanted,
                           counts=counts, open_count=sum(counts.get(s, 0) for s in PENDING_STATES),
                           statuses=list(DelegateStatus), form=SeenForm(),
                           duplicates=duplicates_by_delegate(delegates), page=page,
                           has_more=has_more)


@vetting_bp.route("/people/<int:delegate_id>")
@role_required(*VETTING)
def person(delegate_id: int):
    person = person_or_404(delegate_id)
    # After a refused decision: what changed since the page the officer decided on.
    since = request.args.get("since", type=int)
    changes = changes_since(person, since) if since is not None and since < person.revision else []
    return render_template("vetting/person.html", person=person, seen_form=SeenForm(),
                           note_form=NoteForm(), changes=changes,
                           duplicates=find_duplicates(person))


@vetting_bp.route("/people/<int:delegate_id>/photo")
@role_required(*VETTING)
def photo(delegate_id: int):
    return photo_response(person_or_404(delegate_id))


@vetting_bp.route("/people/<int:delegate_id>/approve", methods=["POST"])
@role_required(*ACCREDITATION)
def approve(delegate_id: int):
    person = person_or_404(delegate_id)
    done = on_what_was_seen(
        SeenForm(), lambda seen: vetting.approve_delegate(person, Actor.current(), seen_revision=seen),
        done=f"{person.printed_name} is approved.")
    if done and request.form.get("back") == "queue":
        return redirect(url_for("vetting.queue"))
    return back_to_person("vetting.person", person)


@vetting_bp.route("/people/<int:delegate_id>/request-info", methods=["POST"])
@role_required(*ACCREDITATION)
def request_info(delegate_id: int):
    return _decide_with_note(delegate_id, vetting.request_information,
                             "{} is asked for more information.")


@vetting_bp.route("/people/<int:delegate_id>/reject", methods=["POST"])
@role_required(*ACCREDITATION)
def reject(delegate_id: int):
    return _decide_with_note(delegate_id, vetting.reject_delegate, "{} is rejected.")


@vetting_bp.route("/people/<int:delegate_id>/clear", methods=["POST"])
@role_required(*SECURITY)
def clear(delegate_id: int):
    person = person_or_404(delegate_id)
    done = on_what_was_seen(
        SeenForm(), lambda seen: vetting.clear_delegate(person, Actor.current(), seen_revision=seen),
        done=f"{person.printed_name} is cleared.")
    if done and request.form.get("back") == "queue":
        return redirect(url_for("vetting.queue"))
    return back_to_person("vetting.person", person)


@vetting_bp.route("/people/<int:delegate_id>/refuse-clearance", methods=["POST"])
@role_required(*SECURITY)
def refuse_clearance(delegate_id: int):
    return _decide_with_note(delegate_id, vetting.refuse_clearance, "{} is refused clearance.")


@vetting_bp.route("/people/<int:delegate_id>/withdraw-clearance", methods=["POST"])
@role_required(*SECURITY)
def withdraw_clearance(delegate_id: int):
    return _decide_with_note(delegate_id, vetting.withdraw_clearance,
                             "{}'s clearance is withdrawn; any badge stops at every door now.")


def _decide_with_note(delegate_id: int, decision, done: str):
    """A vetting decision that carries a message to the applicant."""
    person = person_or_404(delegate_id)
    form = NoteForm()
    on_what_was_seen(form, lambda seen: decision(person, form.note.data or "", Actor.current(),
                                                 seen_revision=seen),
                     done=done.format(person.printed_name))
    return back_to_person("vetting.person", person)
