"""Accreditation (queue, decisions) and front desk (search, print, replace, stop, hand over)."""
from __future__ import annotations

from flask import (Response, abort, current_app, flash, g, redirect, render_template, request,
                   url_for)
from sqlalchemy import func, or_, select

from ..auth.access import role_required
from ..extensions import db
from ..models import OPEN_STATES, Badge, Category, Delegate, DelegateStatus, Event, StaffRole
from ..services import issuance, vetting
from ..services.audit import Actor
from ..services.codes import clean_reference
from ..services.errors import InvalidState, ServiceError
from ..formkit import select_choices
from ..services.printing import custody_receipt_pdf, draft_badge_data, render_badge_png
from ..services.registration import duplicates_by_delegate, find_duplicates
from ..services.revisions import ChangedSinceOpened, changes_since
from ..web import attempt, page_number, photo_response
from . import staff_bp
from .forms import (ActionForm, BatchPrintForm, LiaisonHandOverForm, NoteForm, PrintForm,
                    ReprintForm, RevokeForm, SearchForm, SeenForm)

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
    # After a refused decision: what changed since the page the officer decided on.
    since = request.args.get("since", type=int)
    changes = changes_since(person, since) if since is not None and since < person.revision else []
    return render_template("staff/delegate.html", person=person, form=ActionForm(),
                           seen_form=SeenForm(), note_form=NoteForm(), print_form=PrintForm(),
                           reprint_form=ReprintForm(), revoke_form=RevokeForm(),
                           missing_glyphs=missing, changes=changes,
                           duplicates=find_duplicates(person))


@staff_bp.route("/delegates/<int:delegate_id>/photo")
@role_required(*SEES_PEOPLE)
def photo(delegate_id: int):
    return photo_response(_delegate_or_404(delegate_id))


def _on_what_was_seen(person: Delegate, form: SeenForm, action, done: str | None = None):
    """Run a decision or desk action made on the page's revision of `person`.

    Returns the action's result, or None after flashing why nothing changed; an
    application that changed since the page was loaded sends the officer back to
    it, with what changed.
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


def _person_page(person: Delegate):
    """Back to the person's page; after a refusal for a change, showing what changed."""
    return redirect(url_for("staff.delegate", delegate_id=person.id,
                            since=g.get("changed_since")))


@staff_bp.route("/delegates/<int:delegate_id>/approve", methods=["POST"])
@role_required(*VETTING)
def approve(delegate_id: int):
    person = _delegate_or_404(delegate_id)
    done = _on_what_was_seen(
        person, SeenForm(), lambda seen: vetting.approve_delegate(person, Actor.current(),
                                                                  seen_revision=seen),
        done=f"{person.printed_name} is approved.")
    if done and request.form.get("back") == "queue":
        return redirect(url_for("staff.queue"))
    return _person_page(person)


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
    _on_what_was_seen(person, form, lambda seen: decision(person, form.note.data or "",
                                                          Actor.current(), seen_revision=seen),
                      done=done.format(person.printed_name))
    return _person_page(person)


@staff_bp.route("/delegates/<int:delegate_id>/print", methods=["POST"])
@role_required(*DESK)
def print_badge(delegate_id: int):
    """Issue the badge if there is none yet, and send its PDF to print."""
    person = _delegate_or_404(delegate_id)
    form = PrintForm()
    printed = _on_what_was_seen(person, form, lambda seen: issuance.print_badge(
        person, Actor.current(), seen_revision=seen, back=form.back.data))
    return _pdf_response(printed) if printed else _person_page(person)


@staff_bp.route("/delegates/<int:delegate_id>/reprint", methods=["POST"])
@role_required(*DESK)
def reprint(delegate_id: int):
    """Replace a lost or damaged badge; the old code is refused everywhere from now on."""
    person = _delegate_or_404(delegate_id)
    form = ReprintForm()
    printed = _on_what_was_seen(person, form, lambda seen: issuance.reprint_badge(
        person, form.reason.data, Actor.current(), seen_revision=seen, back=form.back.data))
    return _pdf_response(printed) if printed else _person_page(person)


@staff_bp.route("/badges/<int:badge_id>/hand-over", methods=["POST"])
@role_required(*DESK)
def hand_over(badge_id: int):
    badge = db.session.get(Badge, badge_id) or abort(404)
    person = badge.delegate
    _on_what_was_seen(person, SeenForm(), lambda seen: issuance.hand_over_badge(
        badge, Actor.current(), seen_revision=seen),
        done=f"Badge {badge.serial} handed over to {person.printed_name}.")
    return _person_page(person)


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
            try:
                printed = issuance.print_run(event, people, Actor.current(),
                                             sheet=form.sheet.data or None, back=form.back.data)
            except ServiceError as exc:
                db.session.rollback()
                flash(exc.message, "error")
            else:
                return _pdf_response(printed, f"badges-{event.slug}-{len(printed.badges)}.pdf")
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
        # Exactly the badges the clerk listed change hands; one printed since stays at the desk.
        shown = {int(part) for part in (form.shown.data or "").split()}
        taken = [badge for badge in waiting if badge.id in shown]
        try:
            if len(taken) < len(shown):
                raise InvalidState("Some of the badges listed were handed over or stopped at "
                                   "another desk meanwhile; check the list again.")
            issuance.hand_over_to_liaison(taken, form.receiver.data, actor)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            waiting = _waiting_badges(event, form.delegation.data)
        else:
            waiting = taken
            delegation = next(d for d in event.delegations if d.country == form.delegation.data)
            pdf = custody_receipt_pdf(event, waiting, form.receiver.data.strip(), actor.label,
                                      delegation.name)
            response = Response(pdf, mimetype="application/pdf")
            response.headers["Content-Disposition"] = \
                f'inline; filename="receipt-{event.slug}-{delegation.country.lower()}.pdf"'
            return response
    form.shown.data = " ".join(str(badge.id) for badge in waiting)
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


def _pdf_response(printed: issuance.PrintedBadges, filename: str | None = None) -> Response:
    for warning in printed.report.warnings:
        current_app.logger.warning("printing %s: %s", filename, warning)
    filename = filename or f"badge-{printed.badges[0].serial}.pdf"
    response = Response(printed.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
