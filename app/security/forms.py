"""The security office's forms: sent as GET queries, since they only choose what to read."""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from ..formkit import LOCAL_MINUTE, select_choices
from ..models import Event, ScanDirection, ScanFlag, ScanVerdict
from ..services.errors import ServiceError
from ..services.events import check_in_calendar
from ..services.scan_log import ScanFilters

#: The "flagged" choice that matches every kind of flag.
ANY_FLAG = "any"


class ScanLogForm(FlaskForm):
    """The scan log's filters; they combine, and each left empty lets every scan through."""

    class Meta:
        csrf = False

    checkpoint = SelectField("Checkpoint", default="")
    verdict = SelectField("Verdict", default="", choices=select_choices(
        [("", "Any verdict")] + [(v.value, v.title) for v in ScanVerdict]))
    direction = SelectField("Direction", default="", choices=select_choices(
        [("", "In and out")] + [(d.value, d.title) for d in ScanDirection]))
    since = DateTimeLocalField("From", format=LOCAL_MINUTE, validators=[Optional()],
                               description="Venue time.")
    until = DateTimeLocalField("To", format=LOCAL_MINUTE, validators=[Optional()],
                               description="Venue time, this minute included.")
    q = StringField("Badge serial or name", validators=[Length(max=120)],
                    description="A serial as printed, e.g. B000123-2, or part of a name.")
    flag = SelectField("Flagged", default="", choices=select_choices(
        [("", "Flagged or not"), (ANY_FLAG, "Any flag")] + [(f.value, f.title) for f in ScanFlag]))
    offline = BooleanField("Offline scans only")
    manual = BooleanField("Typed serials only")

    def offer_checkpoints(self, event: Event) -> None:
        self.checkpoint.choices = select_choices(
            [("", "Every checkpoint")] + [(c.code, f"{c.code}: {c.name}") for c in event.checkpoints])

    def validate_since(self, field) -> None:
        _on_the_calendar(field)

    def validate_until(self, field) -> None:
        _on_the_calendar(field)

    def filters(self, event: Event) -> ScanFilters:
        """The checked filters, times turned from the venue's clock into UTC."""
        checkpoint = next((c for c in event.checkpoints if c.code == self.checkpoint.data), None)
        until = self.until.data + timedelta(minutes=1) if self.until.data else None
        return ScanFilters(
            checkpoint_id=checkpoint.id if checkpoint else None,
            verdict=ScanVerdict(self.verdict.data) if self.verdict.data else None,
            direction=ScanDirection(self.direction.data) if self.direction.data else None,
            since=event.from_venue_clock(self.since.data) if self.since.data else None,
            until=event.from_venue_clock(until) if until else None,
            badge_or_name=self.q.data or "", offline=self.offline.data, manual=self.manual.data,
            flagged=bool(self.flag.data),
            flag=ScanFlag(self.flag.data) if self.flag.data not in ("", ANY_FLAG) else None)

    def query_args(self) -> dict[str, str]:
        """The filters as sent, for the next page's address and the CSV link."""
        return {field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0]}


def _on_the_calendar(field) -> None:
    try:
        check_in_calendar(field.data, field.name)
    except ServiceError as exc:
        raise ValidationError(exc.message) from exc
