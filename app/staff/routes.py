from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from ..auth.access import role_required
from ..extensions import db
from ..models import Badge, Delegate, DelegateStatus, Event, StaffRole
from ..services import issuance, vetting
from ..services.audit import Actor
from ..services.codes import clean_reference
from ..services.errors import ServiceError
from ..services.photos import read_photo
from ..services.printing import render_badge_pdf
from ..services.registration import duplicates_by_delegate, find_duplicates
from . import staff_bp
from .forms import ActionForm, NoteForm, ReprintForm, SearchForm

VETTING = (StaffRole.ACCREDITATION,)
DESK = (StaffRole.DESK,)
SEES_PEOPLE = (StaffRole.ACCREDITATION, StaffRole.DESK)


def _delegate_or_404(delegate_id: int) -> Delegate:
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None:
        abort(404)
    return delegate


@staff_bp.route("/queue")
@role_required(*VETTING)
def queue():
    wanted = request.args.get("status", "open")
    query = select(Delegate).order_by(Delegate.created_at)
    if wanted == "open":
        query = query.where(Delegate.status.in_([DelegateStatus.SUBMITTED, DelegateStatus.NEEDS_INFO]))
    elif wanted in {s.value for s in DelegateStatus}:
        query = query.where(Delegate.status == DelegateStatus(wanted))
    delegates = db.session.scalars(query.limit(500)).all()
    counts = dict(db.session.execute(
        select(Delegate.status, func.count()).group_by(Delegate.status)).all())
    return render_template("staff/queue.html", delegates=delegates, wanted=wanted,
                           counts=counts, statuses=list(DelegateStatus), form=ActionForm(),
                           duplicates=duplicates_by_delegate(delegates))


@staff_bp.route("/desk")
@role_required(*DESK)
def desk():
    form = SearchForm(request.args)
    results = find_delegates(form.q.data or "") if form.q.data else []
    return render_template("staff/desk.html", form=form, results=results)


def find_delegates(text: str, limit: int = 50) -> list[Delegate]:
    """People matching a name, reference, e-mail or organisation, approved first."""
    text = text.strip()
    reference = clean_reference(text)
    pattern = f"%{text.lower()}%"
    query = select(Delegate).where(or_(
        Delegate.reference == reference,
        func.lower(Delegate.printed_name).like(pattern),
        func.lower(Delegate.given_name + " " + Delegate.family_name).like(pattern),
        func.lower(Delegate.native_name).like(pattern),
        func.lower(Delegate.email).like(pattern),
        func.lower(Delegate.organisation).like(pattern),
    )).order_by((Delegate.status == DelegateStatus.APPROVED).desc(), Delegate.printed_name)
    return list(db.session.scalars(query.limit(limit)))


@staff_bp.route("/delegates/<int:delegate_id>")
@role_required(*SEES_PEOPLE)
def delegate(delegate_id: int):
    person = _delegate_or_404(delegate_id)
    return render_template("staff/delegate.html", person=person, form=ActionForm(),
                           note_form=NoteForm(), reprint_form=ReprintForm(),
                           duplicates=find_duplicates(person))


@staff_bp.route("/delegates/<int:delegate_id>/photo")
@role_required(*SEES_PEOPLE)
def photo(delegate_id: int):
    return photo_response(_delegate_or_404(delegate_id))


def photo_response(person: Delegate) -> Response:
    data = read_photo(person.photo_file)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@staff_bp.route("/delegates/<int:delegate_id>/approve", methods=["POST"])
@role_required(*VETTING)
def approve(delegate_id: int):
    person = _delegate_or_404(delegate_id)
    if ActionForm().validate_on_submit():
        _attempt(vetting.approve_delegate, person, Actor.current(),
                 done=f"{person.printed_name} is approved.")
    if request.form.get("back") == "queue":
        return redirect(url_for("staff.queue"))
    return redirect(url_for("staff.delegate", delegate_id=person.id))


@staff_bp.route("/delegates/<int:delegate_id>/request-info", methods=["POST"])
@role_required(*VETTING)
def request_info(delegate_id: int):
    person = _delegate_or_404(delegate_id)
    form = NoteForm()
    if form.validate_on_submit():
        _attempt(vetting.request_information, person, form.note.data or "", Actor.current(),
                 done=f"{person.printed_name} is asked for more information.")
    return redirect(url_for("staff.delegate", delegate_id=person.id))


@staff_bp.route("/delegates/<int:delegate_id>/reject", methods=["POST"])
@role_required(*VETTING)
def reject(delegate_id: int):
    person = _delegate_or_404(delegate_id)
    form = NoteForm()
    if form.validate_on_submit():
        _attempt(vetting.reject_delegate, person, form.note.data or "", Actor.current(),
                 done=f"{person.printed_name} is rejected.")
    return redirect(url_for("staff.delegate", delegate_id=person.id))


@staff_bp.route("/delegates/<int:delegate_id>/print", methods=["POST"])
@role_required(*DESK)
def print_badge(delegate_id: int):
    """Issue the badge if there is none yet, and send its PDF to print."""
    person = _delegate_or_404(delegate_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    actor = Actor.current()
    try:
        badge = person.current_badge or issuance.issue_badge(person, actor)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("staff.delegate", delegate_id=person.id))
    return _badge_pdf_response(badge, actor)


@staff_bp.route("/delegates/<int:delegate_id>/reprint", methods=["POST"])
@role_required(*DESK)
def reprint(delegate_id: int):
    """Replace a lost or damaged badge; the old code is refused everywhere from now on."""
    person = _delegate_or_404(delegate_id)
    form = ReprintForm()
    if not form.validate_on_submit():
        flash("Choose why the badge is being replaced.", "error")
        return redirect(url_for("staff.delegate", delegate_id=person.id))
    actor = Actor.current()
    try:
        badge = issuance.reprint_badge(person, form.reason.data, actor)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("staff.delegate", delegate_id=person.id))
    return _badge_pdf_response(badge, actor)


@staff_bp.route("/badges/<int:badge_id>/hand-over", methods=["POST"])
@role_required(*DESK)
def hand_over(badge_id: int):
    badge = db.session.get(Badge, badge_id) or abort(404)
    if ActionForm().validate_on_submit():
        _attempt(issuance.hand_over_badge, badge, Actor.current(),
                 done=f"Badge {badge.serial} handed over to {badge.delegate.printed_name}.")
    return redirect(url_for("staff.delegate", delegate_id=badge.delegate_id))


def _badge_pdf_response(badge: Badge, actor: Actor) -> Response:
    event = db.session.get(Event, badge.delegate.event_id)
    pdf = render_badge_pdf(event, [badge], layout=badge.delegate.category.layout)
    issuance.mark_printed(badge, actor)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="badge-{badge.serial}.pdf"'
    return response


def _attempt(action, *args, done: str) -> bool:
    try:
        action(*args)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    flash(done, "success")
    return True
