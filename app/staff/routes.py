"""Accreditation (queue, decisions) and front desk (search, print, replace, stop, hand over)."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from ..auth.access import role_required
from ..extensions import db
from ..models import OPEN_STATES, Badge, Category, Delegate, DelegateStatus, Event, StaffRole
from ..services import issuance, vetting
from ..services.audit import Actor
from ..services.codes import clean_reference
from ..services.errors import ServiceError
from ..formkit import select_choices
from ..services.printing import (custody_receipt_pdf, draft_badge_data, render_badge_pdf,
                                 render_badge_png)
from ..services.registration import duplicates_by_delegate, find_duplicates
from ..web import attempt, page_number, photo_response
from . import staff_bp
from .forms import (ActionForm, BatchPrintForm, LiaisonHandOverForm, NoteForm, PrintForm,
                    ReprintForm, RevokeForm, SearchForm)

VETTING = (StaffRole.ACCREDITATION,)
QUEUE_PAGE = 100
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
    query = select(Delegate).order_by(Delegate.created_at, Delegate.id)
    if wanted == "open":
        query = query.where(Delegate.status.in_(OPEN_STATES))
    elif wanted in {s.value for s in DelegateStatus}:
        query = query.where(Delegate.status == DelegateStatus(wanted))
    page = page_number()
    delegates = db.session.scalars(
        query.offset((page - 1) * QUEUE_PAGE).limit(QUEUE_PAGE + 1)).all()
    has_more = len(delegates) > QUEUE_PAGE
    delegates = delegates[:QUEUE_PAGE]
    counts = dict(db.session.execute(
        select(Delegate.status, func.count()).group_by(Delegate.status)).all())
    return render_template("staff/queue.html", delegates=delegates, wanted=wanted,
                           counts=counts, open_count=sum(counts.get(s, 0) for s in OPEN_STATES), statuses=list(DelegateStatus), form=ActionForm(),
                           duplicates=duplicates_by_delegate(delegates), page=page,
                           has_more=has_more)


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
    missing = []
    if person.status is DelegateStatus.APPROVED:
        _, report = render_badge_png(person.event, draft_badge_data(person),
                                     layout=person.category.layout, dpi=10)
        missing = report.missing_glyphs
    return render_template("staff/delegate.html", person=person, form=ActionForm(),
                           note_form=NoteForm(), print_form=PrintForm(), reprint_form=ReprintForm(),
                           revoke_form=RevokeForm(),
                           missing_glyphs=missing,
                           duplicates=find_duplicates(person))


@staff_bp.route("/delegates/<int:delegate_id>/photo")
@role_required(*SEES_PEOPLE)
def photo(delegate_id: int):
    return photo_response(_delegate_or_404(delegate_id))


@staff_bp.route("/delegates/<int:delegate_id>/approve", methods=["POST"])
@role_required(*VETTING)
def approve(delegate_id: int):
    person = _delegate_or_404(delegate_id)
    if ActionForm().validate_on_submit():
        attempt(vetting.approve_delegate, person, Actor.current(),
                 done=f"{person.printed_name} is approved.")
    if request.form.get("back") == "queue":
        return redirect(url_for("staff.queue"))
    return redirect(url_for("staff.delegate", delegate_id=person.id))


@staff_bp.route("/delegates/<int:delegate_id>/request-info", methods=["POST"])
@role_required(*VETTING)
def request_info(delegate_id: int):
    return _decide_with_note(delegate_id, vetting.request_information,
                             "{} is asked for more information.")


@staff_bp.route("/delegates/<int:delegate_id>/reject", methods=["POST"])
@role_required(*VETTING)
def reject(delegate_id: int):
    return _decide_with_note(delegate_id, vetting.reject_delegate, "{} is rejected.")


def _decide_with_note(delegate_id: int, decision, done: str):
    """A vetting decision that carries a message to the applicant."""
    person = _delegate_or_404(delegate_id)
    form = NoteForm()
    if form.validate_on_submit():
        attempt(decision, person, form.note.data or "", Actor.current(),
                done=done.format(person.printed_name))
    return redirect(url_for("staff.delegate", delegate_id=person.id))


@staff_bp.route("/delegates/<int:delegate_id>/print", methods=["POST"])
@role_required(*DESK)
def print_badge(delegate_id: int):
    """Issue the badge if there is none yet, and send its PDF to print."""
    person = _delegate_or_404(delegate_id)
    form = PrintForm()
    if not form.validate_on_submit():
        abort(400)
    actor = Actor.current()
    try:
        badge = issuance.badge_for_printing(person, actor)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("staff.delegate", delegate_id=person.id))
    return _badge_pdf_response(badge, actor, back=form.back.data)


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
    return _badge_pdf_response(badge, actor, back=form.back.data)


@staff_bp.route("/badges/<int:badge_id>/hand-over", methods=["POST"])
@role_required(*DESK)
def hand_over(badge_id: int):
    badge = db.session.get(Badge, badge_id) or abort(404)
    if ActionForm().validate_on_submit():
        attempt(issuance.hand_over_badge, badge, Actor.current(),
                 done=f"Badge {badge.serial} handed over to {badge.delegate.printed_name}.")
    return redirect(url_for("staff.delegate", delegate_id=badge.delegate_id))


@staff_bp.route("/delegates/<int:delegate_id>/badge-preview.png")
@role_required(*SEES_PEOPLE)
def badge_preview(delegate_id: int):
    """The badge as it will print (a placeholder code until one is issued)."""
    person = _delegate_or_404(delegate_id)
    # Always a placeholder code: an image of a live code would be a working copy.
    png, _ = render_badge_png(person.event, draft_badge_data(person), layout=person.category.layout)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@staff_bp.route("/print-batch", methods=["GET", "POST"])
@role_required(*DESK)
def print_batch():
    """Badges for many people in one PDF, on single cards or on sheets."""
    from badges import list_sheets
    event = db.session.scalar(select(Event).order_by(Event.starts_on.desc()))
    if event is None:
        abort(404)
    # "Show who would print" is a plain GET with the same fields.
    form = BatchPrintForm() if request.method == "POST" else BatchPrintForm(formdata=request.args or None)
    form.delegation.choices = select_choices(
        [("", "All delegations")] + [(d.country, d.name) for d in event.delegations])
    form.category.choices = select_choices(
        [("", "All categories")] + [(c.code, f"{c.code} {c.name}") for c in event.categories])
    form.sheet.choices = select_choices(
        [("", "One badge per page (card printer)")] + [(s, s) for s in list_sheets()])
    people, blocked = _batch_people(event, form) if request.method == "POST" or request.args \
        else ([], [])
    if form.validate_on_submit():
        if not people:
            flash("Nobody to print: no approved person matches.", "error")
        else:
            actor = Actor.current()
            try:
                badges = issuance.issue_missing_badges(people, actor)
            except ServiceError as exc:
                flash(exc.message, "error")
            else:
                return _badges_pdf_response(event, badges, actor, sheet=form.sheet.data or None,
                                            back=form.back.data,
                                            filename=f"badges-{event.slug}-{len(badges)}.pdf")
    return render_template("staff/print_batch.html", form=form, event=event, people=people,
                           blocked=blocked)


@staff_bp.route("/hand-over-delegation", methods=["GET", "POST"])
@role_required(*DESK)
def hand_over_delegation():
    """All printed badges of a delegation to its liaison officer, against a signed receipt."""
    event = db.session.scalar(select(Event).order_by(Event.starts_on.desc())) or abort(404)
    form = LiaisonHandOverForm() if request.method == "POST" else \
        LiaisonHandOverForm(formdata=request.args or None)
    form.delegation.choices = select_choices(
        [("", "Choose the delegation")] + [(d.country, d.name) for d in event.delegations])
    waiting = _waiting_badges(event, form.delegation.data) if form.delegation.data else []
    if form.validate_on_submit():
        actor = Actor.current()
        try:
            issuance.hand_over_to_liaison(waiting, form.receiver.data, actor)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            delegation = next(d for d in event.delegations if d.country == form.delegation.data)
            pdf = custody_receipt_pdf(event, waiting, form.receiver.data.strip(), actor.label,
                                      delegation.name)
            response = Response(pdf, mimetype="application/pdf")
            response.headers["Content-Disposition"] = \
                f'inline; filename="receipt-{event.slug}-{delegation.country.lower()}.pdf"'
            return response
    return render_template("staff/hand_over_delegation.html", form=form, event=event,
                           waiting=waiting)


def _waiting_badges(event: Event, country: str) -> list[Badge]:
    """Printed, working badges of a delegation that nobody has taken yet."""
    return list(db.session.scalars(
        select(Badge).join(Badge.delegate)
        .where(Delegate.event_id == event.id, Delegate.country == country,
               Delegate.status == DelegateStatus.APPROVED, Badge.revoked_at.is_(None),
               Badge.printed_at.is_not(None), Badge.handed_over_at.is_(None))
        .order_by(Delegate.printed_name)))


def _batch_people(event: Event, form: BatchPrintForm) -> tuple[list[Delegate], list[Delegate]]:
    """(people to print, approved people who cannot print yet for want of a photo).

    Badges already handed over are out in the world: a print run never copies them."""
    query = select(Delegate).where(Delegate.event_id == event.id,
                                   Delegate.status == DelegateStatus.APPROVED)
    if form.delegation.data:
        query = query.where(Delegate.country == form.delegation.data)
    if form.category.data:
        query = query.join(Delegate.category).where(Category.code == form.category.data)
    people = db.session.scalars(query.order_by(Delegate.country, Delegate.printed_name)).all()
    people = [p for p in people if not issuance.is_out(p.current_badge)]
    if form.only_unprinted.data:
        people = [p for p in people if p.current_badge is None or p.current_badge.printed_at is None]
    return ([p for p in people if issuance.why_no_badge(p) is None],
            [p for p in people if issuance.why_no_badge(p) is not None])


@staff_bp.route("/badges/<int:badge_id>/revoke", methods=["POST"])
@role_required(*DESK)
def revoke(badge_id: int):
    """Stop a badge at every door at once, without printing a replacement yet."""
    badge = db.session.get(Badge, badge_id) or abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        attempt(issuance.revoke_badge, badge, form.reason.data, Actor.current(),
                 done=f"Badge {badge.serial} no longer opens any door.")
    else:
        flash("Choose why the badge is stopped.", "error")
    return redirect(url_for("staff.delegate", delegate_id=badge.delegate_id))


def _badge_pdf_response(badge: Badge, actor: Actor, *, back: bool = False) -> Response:
    return _badges_pdf_response(badge.delegate.event, [badge], actor, back=back,
                                filename=f"badge-{badge.serial}.pdf")


def _badges_pdf_response(event: Event, badges: list[Badge], actor: Actor, *, filename: str,
                         sheet: str | None = None, back: bool = False) -> Response:
    """Render, then record the print: a badge counts as printed once its PDF exists."""
    pdf, report = render_badge_pdf(event, badges, sheet=sheet, back=back)
    for warning in report.warnings:
        current_app.logger.warning("printing %s: %s", filename, warning)
    issuance.mark_printed(badges, actor)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


