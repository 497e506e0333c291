"""The front desk's pages: find a person, print, replace, stop and hand over badges."""
from __future__ import annotations

from flask import (Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..auth.access import role_required
from ..extensions import db
from ..formkit import select_choices, sheet_choices
from ..jobs import stop_dead_jobs
from ..models import Badge, BadgeState, Delegate, DelegateStatus, Event, Job, PrintScope, StaffRole
from ..services import issuance, print_runs, printers
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
from .forms import (LiaisonHandOverForm, PrintForm, PrintRunForm, ReprintForm, RevokeForm,
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
    return [(person, issuance.badge_state(person.status, person.current_badge), issuance.why_no_badge(person))
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
    """Badges for many people: who would print (shown, changes nothing), then the run itself
    in the background. Both buttons post, so no token ever travels in a URL."""
    event = _latest_event()
    form = PrintRunForm()
    form.delegation.choices = select_choices(
        [("", "All delegations")] + [(d.country, d.name) for d in event.delegations_by_name])
    form.category.choices = select_choices(
        [("", "All categories")] + [(c.code, f"{c.code} {c.name}") for c in event.categories])
    form.sheet.choices = sheet_choices("One badge per page (card printer)")
    people, blocked = [], []
    if form.validate_on_submit():
        selection = print_runs.Selection(form.delegation.data or "", form.category.data or "",
                                         PrintScope(form.scope.data))
        if request.form.get("action") == "start":
            try:
                job = print_runs.start_print_run(event, selection, Actor.current(),
                                                 sheet=form.sheet.data or None, back=form.back.data)
            except ServiceError as exc:
                db.session.rollback()
                flash(exc.message, "error")
            else:
                return redirect(url_for("desk.print_run_job", job_id=job.id))
        people, blocked = print_runs.choose_people(event, selection)
        if not people:
            flash("Nobody to print: no approved person matches.", "error")
    runs = db.session.scalars(select(Job).where(Job.event_id == event.id,
                                                Job.function == "print_run")
                              .order_by(Job.id.desc()).limit(10)).all()
    stop_dead_jobs(runs)
    return render_template("desk/print_run.html", form=form, event=event, people=people,
                           blocked=blocked, runs=runs)


def _latest_event() -> Event:
    return db.session.scalar(select(Event).order_by(Event.starts_on.desc())) or abort(404)


def _print_run_or_404(job_id: int, event: Event | None = None) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.function != "print_run" or (event and job.event_id != event.id):
        abort(404)
    return job


def _posted_print_run(job_id: int) -> Job:
    """The run of the current event a button on its page posts about, its form checked."""
    job = _print_run_or_404(job_id, _latest_event())
    if not FlaskForm().validate_on_submit():
        abort(400)
    return job


@desk_bp.route("/print-runs/<int:job_id>")
@role_required(*DESK)
def print_run_job(job_id: int):
    """A print run's progress, then its files and where they were sent; the page polls the
    status while it runs."""
    job = _print_run_or_404(job_id)
    stop_dead_jobs([job])
    sent = print_runs.sent_jobs(job)
    return render_template("desk/print_run_job.html", job=job,
                           files=[p.name for p in print_runs.run_files(job)],
                           station=current_station(job.event) if job.event else None,
                           send_form=FlaskForm(), sent=sent,
                           job_states=printers.job_states([s["job"] for s in sent]),
                           again=print_runs.started_again_as(job))


@desk_bp.route("/print-runs/<int:job_id>/start-again", methods=["POST"])
@role_required(*DESK)
def start_print_run_again(job_id: int):
    """A run that failed, for the same people again; its page follows the new run."""
    job = _posted_print_run(job_id)
    try:
        again = print_runs.start_again(job, Actor.current())
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("desk.print_run_job", job_id=job.id))
    return redirect(url_for("desk.print_run_job", job_id=again.id))


@desk_bp.route("/print-runs/<int:job_id>/send", methods=["POST"])
@role_required(*DESK)
def send_print_run(job_id: int):
    """Every file of a finished run to this browser's station printer, in print order."""
    job = _posted_print_run(job_id)
    try:
        result = print_runs.send_to_printer(job, current_station(job.event), Actor.current())
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        sent = ", ".join(f"{name} (job {cups_job})" for name, cups_job in result.sent)
        if result.not_sent:
            flash(f"Printer {result.queue} stopped taking files part-way: {result.problem} "
                  f"Sent: {sent}. Not sent: {', '.join(result.not_sent)}; send those again "
                  "once the printer works, or download them.", "error")
        else:
            flash(f"All {len(result.sent)} files sent to printer {result.queue}: {sent}.",
                  "success")
    return redirect(url_for("desk.print_run_job", job_id=job.id))


@desk_bp.route("/print-runs/<int:job_id>/status")
@role_required(*DESK)
def print_run_status(job_id: int):
    job = _print_run_or_404(job_id)
    stop_dead_jobs([job])
    response = jsonify(state=job.state.value, title=job.state.title, done=job.done,
                       total=job.total, percent=job.percent, finished=job.state.finished)
    response.headers["Cache-Control"] = "no-store"
    return response


@desk_bp.route("/print-runs/<int:job_id>/files/<name>")
@role_required(*DESK)
def print_run_file(job_id: int, name: str):
    """One PDF of a run; live badge codes, so only for the desk, and never cached."""
    path = print_runs.run_file(_print_run_or_404(job_id), name) or abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@desk_bp.route("/hand-over-delegation", methods=["GET", "POST"])
@role_required(*DESK)
def hand_over_delegation():
    """All printed badges of a delegation to its liaison officer, against a signed receipt."""
    event = _latest_event()
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


def _pdf_response(printed: issuance.PrintedBadges) -> Response:
    filename = f"badge-{printed.badges[0].serial}.pdf"
    for warning in printed.report.warnings:
        current_app.logger.warning("printing %s: %s", filename, warning)
    response = Response(printed.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
