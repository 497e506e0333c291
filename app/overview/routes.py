"""The overview page and its figures as CSV; the event is the one named by ?event=, else the newest."""
from __future__ import annotations

from flask import abort, render_template

from ..auth.access import role_required
from ..models import StaffRole
from ..services.overview import COLUMNS, daily_figures, days_csv, event_overview, overview_csv
from ..web import chosen_event, download_response, event_choice, export_file_name
from . import overview_bp
from .chart import Series, bar_chart

# Both offices and the administrators read it; it changes nothing.
OFFICES = (StaffRole.ACCREDITATION, StaffRole.SECURITY)


@overview_bp.route("/")
@role_required(*OFFICES)
def index():
    event = chosen_event()
    if event is None:
        return render_template("overview/index.html", event=None, event_form=event_choice(None))
    days = daily_figures(event)
    chart = bar_chart([f"{d.day:%d %b}" for d in days], [
        Series("Registrations", "series-registered", [d.registrations for d in days]),
        Series("Accreditation decisions", "series-accreditation", [d.accreditation_decisions for d in days]),
        Series("Security decisions", "series-security", [d.security_decisions for d in days]),
    ], title=f"Registrations and decisions per day at the venue, {event.name}") if days else None
    return render_template("overview/index.html", event=event, event_form=event_choice(event),
                           overview=event_overview(event), days=days, columns=COLUMNS, chart=chart)


@overview_bp.route("/figures.csv")
@role_required(*OFFICES)
def figures_download():
    """The tables: a row per delegation, per category, and the total."""
    event = chosen_event() or abort(404)
    return download_response(overview_csv(event_overview(event)), "csv", export_file_name(event, "overview"))


@overview_bp.route("/days.csv")
@role_required(*OFFICES)
def days_download():
    """The chart's figures: registrations and each office's decisions per day."""
    event = chosen_event() or abort(404)
    return download_response(days_csv(daily_figures(event)), "csv", export_file_name(event, "per-day"))
