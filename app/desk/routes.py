"""The front desk's pages: find a person, print, replace, stop and hand over badges."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..auth.access import role_required
from ..extensions import db
from ..formkit import select_choices
from ..models import Badge, BadgeState, Category, Delegate, DelegateStatus, Event, StaffRole
from ..services import issuance, printers
from ..services.audit import Actor
from ..services.audit_trail import readable
from ..services.errors import InvalidState, ServiceError
from ..services.printing import custody_receipt_pdf, draft_badge_data, render_badge_png
from ..services.registration import find_duplicates
from ..services.retakes import retakes_with_earlier_photo
from ..services.revisions import changes_since
from ..services.search import find_people
from ..staffkit import SeenForm, back_to_person, on_what_was_seen, person_or_404
from ..web import attempt, photo_response
from . import desk_bp
from .stations import current_station, print_jobs_of
from .forms import (BatchPrintForm, LiaisonHandOverForm, PrintForm, ReprintForm, RevokeForm,
                    SearchForm)

DESK = (StaffRole.DESK,)


@desk_bp.route("/")
@role_required(*DESK)
def search():
    """Find anyone; without JavaScript a plain GET form, with it results as the clerk types."""
    form = SearchForm(request.args)
    return render_template("desk/search.html", form=form, hits=_hits(form), print_form=PrintForm())


@desk_bp.route("/search-results")
@role_required(*DESK)
def search_results():
    """The search page's result list alone, which its script swaps in while the clerk types."""
    form = SearchForm(request.args)
    return render_template("desk/_search_results.html", form=form, hits=_hits(form),
                           print_form=PrintForm())


def _hits(form: SearchForm) -> list[tuple[Delegate, BadgeState, str | None]]:
    """(person, where their badge is, why they cannot get one) for each person found."""
    if not form.q.data or not form.validate():
        return []
    return [(person, issuance.badge_state(person), issuance.why_no_badge(person))
            for person in find_people(form.q.data)]


@desk_bp.route("/people/<int:delegate_id>")
@role_required(*DESK)
def person(delegate_id: int):
    person = person_or_404(delegate_id)
    missing = []
    if person.status is DelegateStatus.READY:
        _, report = render_badge_png(person.event, draft_badge_data(person),
                                     layout=person.category.layout, dpi=10)
        missing = report.missing_glyphs
    since = request.args.get("since", type=int)
    changes = changes_since(person, since) if since is not None and since < person.revision else []
    station = current_station(person.event)
    jobs = print_jobs_of(person)
    return render_template("desk/person.html", person=person, seen_form=SeenForm(),
                           station=station, print_jobs=jobs,
                           job_states=printers.job_states([j.job for j in jobs]),
                           print_form=PrintForm(), reprint_form=ReprintForm(),
                           revoke_form=RevokeForm(), missing_glyphs=missing, changes=changes,
                           duplicates=find_duplicates(person),
                           earlier_photos=readable(retakes_with_earlier_photo(person)))


@desk_bp.route("/people/<int:delegate_id>/photo")
@role_required(*DESK)
def photo(delegate_id: int):
    return photo_response(person_or_404(delegate_id))


@desk_bp.route("/people/<int:delegate_id>/print", methods=["POST"])
@role_required(*DESK)
def print_badge(delegate_id: int):
    """Issue the badge if there is none yet, and send its PDF to print."""
    person = person_or_404(delegate_id)
    form = PrintForm()
    station = current_station(person.event)
    printed = on_what_was_seen(form, lambda seen: issuance.print_badge(
        person, Actor.current(), seen_revision=seen, back=form.back.data, station=station))
    return _printed_response(printed, person)


@desk_bp.route("/people/<int:delegate_id>/reprint", methods=["POST"])
@role_required(*DESK)
def reprint(delegate_id: int):
    """Replace a lost or damaged badge; the old code is refused everywhere from now on."""
    person = person_or_404(delegate_id)
    form = ReprintForm()
    station = current_station(person.event)
    printed = on_what_was_seen(form, lambda seen: issuance.reprint_badge(
        person, form.reason.data, Actor.current(), seen_revision=seen, back=form.back.data,
        station=station))
    return _printed_response(printed, person)


def _printed_response(printed: issuance.PrintedBadges | None, person: Delegate):
    """The PDF for the browser to print; or, sent to the station's printer, back to the person
    with the job (and on a refusal, why)."""
    if printed and printed.job is None:
        return _pdf_response(printed)
    if printed:
        flash(f"Badge {printed.badges[0].serial} sent to printer {printed.job.queue} "
              f"(job {printed.job.job}).", "success")
    return back_to_person("desk.person", person)


@desk_bp.route("/badges/<int:badge_id>/hand-over", methods=["GET", "POST"])
@role_required(*DESK)
def hand_over(badge_id: int):
    """What the clerk checks the passport against, then the badge changes hands."""
    badge = db.session.get(Badge, badge_id) or abort(404)
    person = badge.delegate
    if request.method == "GET":
        return render_template("desk/hand_over.html", person=person, badge=badge,
                               seen_form=SeenForm())
    on_what_was_seen(SeenForm(), lambda seen: issuance.hand_over_badge(
        badge, Actor.current(), seen_revision=seen),
        done=f"Badge {badge.serial} handed over to {person.printed_name}.")
    return back_to_person("desk.person", person)


@desk_bp.route("/people/<int:delegate_id>/badge-preview.png")
@role_required(*DESK)
def badge_preview(delegate_id: int):
    """The badge as it will print (a placeholder code until one is issued)."""
    person = person_or_404(delegate_id)
    # Always a placeholder code: an image of a live code would be a working copy.
    png, _ = render_badge_png(person.event, draft_badge_data(person), layout=person.category.layout)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@desk_bp.route("/print-run", methods=["GET", "POST"])
@role_required(*DESK)
def print_run():
    """Badges for many people in one PDF, on single cards or on sheets."""
    from badges import list_sheets
    event = db.session.scalar(select(Event).order_by(Event.starts_on.desc()))
    if event is None:
        abort(404)
    # "Show who would print" is a plain GET with the same fields.
    form = BatchPrintForm() if request.method == "POST" else BatchPrintForm(formdata=request.args or None)
    form.delegation.choices = select_choices(
        [("", "All delegations")] + [(d.country, d.name) for d in event.delegations_by_name])
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
    return render_template("desk/print_run.html", form=form, event=event, people=people,
                           blocked=blocked)


@desk_bp.route("/hand-over-delegation", methods=["GET", "POST"])
@role_required(*DESK)
def hand_over_delegation():
    """All printed badges of a delegation to its liaison officer, against a signed receipt."""
    event = db.session.scalar(select(Event).order_by(Event.starts_on.desc())) or abort(404)
    form = LiaisonHandOverForm() if request.method == "POST" else \
        LiaisonHandOverForm(formdata=request.args or None)
    form.delegation.choices = select_choices(
        [("", "Choose the delegation")] + [(d.country, d.name) for d in event.delegations_by_name])
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
            document = issuance.hand_over_to_liaison(taken, form.receiver.data, actor,
                                                     receiver_document=form.receiver_document.data)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            waiting = _waiting_badges(event, form.delegation.data)
        else:
            waiting = taken
            delegation = next(d for d in event.delegations if d.country == form.delegation.data)
            pdf = custody_receipt_pdf(event, waiting, form.receiver.data.strip(), document,
                                      actor.user.name, delegation.name)
            response = Response(pdf, mimetype="application/pdf")
            response.headers["Content-Disposition"] = \
                f'inline; filename="receipt-{event.slug}-{delegation.country.lower()}.pdf"'
            return response
    form.shown.data = " ".join(str(badge.id) for badge in waiting)
    return render_template("desk/hand_over_delegation.html", form=form, event=event,
                           waiting=waiting)


def _waiting_badges(event: Event, country: str) -> list[Badge]:
    """Printed, working badges of a delegation that nobody has taken yet."""
    return list(db.session.scalars(
        select(Badge).join(Badge.delegate)
        .where(Delegate.event_id == event.id, Delegate.country == country,
               Delegate.status == DelegateStatus.READY, Badge.revoked_at.is_(None),
               Badge.printed_at.is_not(None), Badge.handed_over_at.is_(None))
        .order_by(Delegate.printed_name)))


def _batch_people(event: Event, form: BatchPrintForm) -> tuple[list[Delegate], list[Delegate]]:
    """(people to print, approved people who cannot print yet for want of a photo).

    Badges already handed over are out in the world: a print run never copies them."""
    query = select(Delegate).where(Delegate.event_id == event.id,
                                   Delegate.status == DelegateStatus.READY)
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


@desk_bp.route("/badges/<int:badge_id>/revoke", methods=["POST"])
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
    return redirect(url_for("desk.person", delegate_id=badge.delegate_id))


def _pdf_response(printed: issuance.PrintedBadges, filename: str | None = None) -> Response:
    for warning in printed.report.warnings:
        current_app.logger.warning("printing %s: %s", filename, warning)
    filename = filename or f"badge-{printed.badges[0].serial}.pdf"
    response = Response(printed.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
