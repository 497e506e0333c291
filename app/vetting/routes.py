"""The vetting offices' pages: the queue, a person's application, the decisions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import role_required
from ..extensions import db
from ..models import Delegate, DelegateStatus, Event, StaffRole
from ..models._types import utcnow
from ..services import corrections, retakes, vetting
from ..services.audit import Actor, person_history
from ..services.audit_trail import readable
from ..services.errors import ServiceError
from ..services.queue import WAITING, QueueFilter, everyone, next_in_queue, queue_counts, queue_page
from ..services.registration import duplicates_by_delegate, find_duplicates
from ..services.revisions import FIELD_LABELS, changes_since
from ..staffkit import SeenForm, back_to_person, on_what_was_seen, person_or_404
from ..web import attempt, page_number, photo_response, stored_photo_response
from . import vetting_bp
from .forms import BULK_LABELS, BulkForm, CorrectionForm, NoteForm, StaffNoteForm

# The accreditation office decides; the security office clears. Both read the applications.
VETTING = (StaffRole.ACCREDITATION, StaffRole.SECURITY)
ACCREDITATION_ACTIONS = {"approve", "request_information", "reject"}
ACCREDITATION = (StaffRole.ACCREDITATION,)
SECURITY = (StaffRole.SECURITY,)


@vetting_bp.route("/queue")
@role_required(*VETTING)
def queue():
    """One event's applications, filtered, longest waiting first; bulk decisions on a selection."""
    criteria = _queue_filter()
    page = page_number()
    people, has_more = queue_page(criteria, page)
    events = db.session.scalars(select(Event).order_by(Event.starts_on.desc())).all()
    return render_template("vetting/queue.html", criteria=criteria, people=people, page=page,
                           has_more=has_more, counts=queue_counts(criteria), events=events,
                           statuses=list(DelegateStatus), waiting=WAITING, form=SeenForm(),
                           bulk_form=BulkForm(), duplicates=duplicates_by_delegate(people),
                           seen_at=utcnow().isoformat(), filter_args=criteria.args())


@vetting_bp.route("/queue/decide", methods=["POST"])
@role_required(*VETTING)
def decide_many():
    """One decision for the people ticked (or everyone in the filter), all or nothing."""
    criteria = _queue_filter(request.form)
    form = BulkForm()
    back = redirect(url_for("vetting.queue", **criteria.args()))
    if not form.validate_on_submit():
        flash("Choose an action.", "error")
        return back
    action = form.action.data
    office = ACCREDITATION if action in ACCREDITATION_ACTIONS else SECURITY
    if not current_user.has_role(*office):
        abort(403)
    if form.whole_filter.data:
        # Everyone the filter shows now; anyone changed since the page was loaded refuses it all.
        seen_at = form.seen_moment
        if seen_at is None:
            flash("This page is out of date; reload it and try again.", "error")
            return back
        people = [(person, person.revision if person.updated_at <= seen_at else -1)
                  for person in everyone(criteria)]
    else:
        people = []
        for value in request.form.getlist("person"):
            person_id, _, revision = value.partition(":")
            person = db.session.get(Delegate, int(person_id)) if person_id.isdigit() else None
            if person is not None and person.event_id == criteria.event.id and revision.isdigit():
                people.append((person, int(revision)))
    try:
        decided = vetting.decide_many(action, people, Actor.current(), note=form.note.data or "")
    except vetting.BulkRefused as exc:
        flash(exc.message, "error")
        return back
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back
    flash(f"Done for {len(decided)} {'person' if len(decided) == 1 else 'people'}: "
          f"{BULK_LABELS[action].lower()}.", "success")
    return back


def _queue_filter(values=None) -> QueueFilter:
    values = values if values is not None else request.args
    slug = values.get("event", "")
    event = db.session.scalar(select(Event).where(Event.slug == slug)) if slug else None
    event = event or db.session.scalar(select(Event).order_by(Event.starts_on.desc())) or abort(404)
    return QueueFilter.from_args(event, values)


@vetting_bp.route("/people/<int:delegate_id>")
@role_required(*VETTING)
def person(delegate_id: int):
    person = person_or_404(delegate_id)
    # After a refused decision: what changed since the page the officer decided on.
    since = request.args.get("since", type=int)
    changes = changes_since(person, since) if since is not None and since < person.revision else []
    correction = CorrectionForm(data={"category": person.category.code,
                                      "zones": [z.code for z in person.zones],
                                      "printed_name": person.printed_name,
                                      "native_name": person.native_name})
    correction.offer(person.event)
    return render_template("vetting/person.html", person=person, seen_form=SeenForm(),
                           note_form=NoteForm(), changes=changes,
                           duplicates=find_duplicates(person), from_queue=_from_queue(person),
                           correction_form=correction, staff_note_form=StaffNoteForm(),
                           history=readable(person_history(person)),
                           earlier_photos={e.id for e in retakes.retakes_with_earlier_photo(person)})


@vetting_bp.route("/people/<int:delegate_id>/correct", methods=["POST"])
@role_required(*ACCREDITATION)
def correct(delegate_id: int):
    """Staff correct category, zones or the names as printed; a printed badge is reissued."""
    person = person_or_404(delegate_id)
    form = CorrectionForm()
    form.offer(person.event)
    changed = on_what_was_seen(form, lambda seen: corrections.correct_application(
        person, corrections.StaffCorrection(category_code=form.category.data,
                                            zone_codes=list(form.zones.data or []),
                                            printed_name=form.printed_name.data,
                                            native_name=form.native_name.data or ""),
        Actor.current(), seen_revision=seen))
    if changed and changed is not True:
        flash(f"Corrected: {', '.join(FIELD_LABELS.get(name, name).lower() for name in changed)}.",
              "success")
    elif changed:
        flash("Nothing was different.", "info")
    return back_to_person("vetting.person", person)


@vetting_bp.route("/people/<int:delegate_id>/notes", methods=["POST"])
@role_required(*VETTING)
def add_note(delegate_id: int):
    person = person_or_404(delegate_id)
    form = StaffNoteForm()
    if form.validate_on_submit():
        attempt(corrections.add_staff_note, person, form.text.data, Actor.current(),
                done="Note kept.")
    else:
        flash("Write the note first.", "error")
    return redirect(url_for("vetting.person", delegate_id=person.id) + "#notes")


@vetting_bp.route("/people/<int:delegate_id>/photo")
@role_required(*VETTING)
def photo(delegate_id: int):
    return photo_response(person_or_404(delegate_id))


@vetting_bp.route("/people/<int:delegate_id>/earlier-photos/<int:entry_id>")
@role_required(*VETTING)
def earlier_photo(delegate_id: int, entry_id: int):
    """The photo a retake at the desk replaced, linked from the person's history."""
    return stored_photo_response(retakes.earlier_photo_file(person_or_404(delegate_id), entry_id))


@vetting_bp.route("/people/<int:delegate_id>/approve", methods=["POST"])
@role_required(*ACCREDITATION)
def approve(delegate_id: int):
    person = person_or_404(delegate_id)
    confirmed = request.form.get("confirm_duplicate") == "y"
    done = on_what_was_seen(
        SeenForm(), lambda seen: vetting.approve_delegate(person, Actor.current(), seen_revision=seen,
                                                          duplicate_confirmed=confirmed),
        done=f"{person.printed_name} is approved.")
    return _after_decision(person, done)


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
    return _after_decision(person, done)


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
    decided = on_what_was_seen(form, lambda seen: decision(person, form.note.data or "",
                                                           Actor.current(), seen_revision=seen),
                               done=done.format(person.printed_name))
    return _after_decision(person, decided)


def _from_queue(person: Delegate) -> dict | None:
    """The queue filter an officer opened this person from, to go on to the next one after."""
    if not request.args.get("queue"):
        return None
    return QueueFilter.from_args(person.event, request.args).args()


def _after_decision(person: Delegate, decided):
    """Where an officer goes after deciding: back to the queue from a queue button, on to the
    next person of their filter from a person's page, or back to the page if nothing changed."""
    if decided and request.form.get("back") == "queue":
        criteria = QueueFilter.from_args(person.event, request.form)
        return redirect(url_for("vetting.queue", **criteria.args()))
    if decided and request.form.get("queue"):
        criteria = QueueFilter.from_args(person.event, request.form)
        following = next_in_queue(criteria, person)
        if following is not None:
            return redirect(url_for("vetting.person", delegate_id=following.id, queue=1,
                                    **criteria.args()))
        return redirect(url_for("vetting.queue", **criteria.args()))
    return back_to_person("vetting.person", person)
