"""The security office's forms: sent as GET queries, since they only choose what to read.

Times are typed on the venue's clock and read into UTC here.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, SelectChoice, SelectField, StringField,
                     ValidationError)
from wtforms.validators import Length, Optional

from ..formkit import LOCAL_MINUTE, select_choices
from ..models import Event, ScanDirection, ScanFlag, ScanVerdict
from ..services.audit_trail import TrailFilters, action_choices, actor_choices
from ..services.errors import ServiceError
from ..services.events import check_in_calendar
from ..services.scan_log import ScanFilters

#: The "flagged" choice that matches every kind of flag.
ANY_FLAG = "any"


def _period_fields() -> tuple[DateTimeLocalField, DateTimeLocalField]:
    """From and To; made where a form lists them, so they keep their place among its fields."""
    return (DateTimeLocalField("From", format=LOCAL_MINUTE, validators=[Optional()],
                               description="Venue time."),
            DateTimeLocalField("To", format=LOCAL_MINUTE, validators=[Optional()],
                               description="Venue time, this minute included."))


class _PeriodForm(FlaskForm):
    """A reading page's filters with a period, `since` to `until`, on the venue's clock."""

    class Meta:
        csrf = False

    def validate_since(self, field) -> None:
        _on_the_calendar(field)

    def validate_until(self, field) -> None:
        _on_the_calendar(field)

    def period(self, event: Event | None) -> tuple[datetime | None, datetime | None]:
        """From and To as UTC moments, To's minute included; read on UTC without an event."""
        until = self.until.data + timedelta(minutes=1) if self.until.data else None
        return tuple(None if wall is None else event.from_venue_clock(wall) if event is not None
                     else wall.replace(tzinfo=timezone.utc) for wall in (self.since.data, until))

    def query_args(self) -> dict[str, str]:
        """The filters as sent, for the next page's address and the CSV link."""
        return {field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0]}


class ScanLogForm(_PeriodForm):
    """The scan log's filters; they combine, and each left empty lets every scan through."""

    checkpoint = SelectField("Checkpoint", default="")
    verdict = SelectField("Verdict", default="", choices=select_choices(
        [("", "Any verdict")] + [(v.value, v.title) for v in ScanVerdict]))
    direction = SelectField("Direction", default="", choices=select_choices(
        [("", "In and out")] + [(d.value, d.title) for d in ScanDirection]))
    since, until = _period_fields()
    q = StringField("Badge serial or name", validators=[Length(max=120)],
                    description="A serial as printed, e.g. B000123-2, or part of a name "
                                "(accents and case optional) or a reference.")
    flag = SelectField("Flagged", default="", choices=select_choices(
        [("", "Flagged or not"), (ANY_FLAG, "Any flag")] + [(f.value, f.title) for f in ScanFlag]))
    offline = BooleanField("Offline scans only")
    manual = BooleanField("Typed serials only")

    def offer_checkpoints(self, event: Event) -> None:
        self.checkpoint.choices = select_choices(
            [("", "Every checkpoint")] + [(c.code, f"{c.code}: {c.name}") for c in event.checkpoints])

    def filters(self, event: Event) -> ScanFilters:
        """The checked filters, times turned from the venue's clock into UTC."""
        checkpoint = next((c for c in event.checkpoints if c.code == self.checkpoint.data), None)
        since, until = self.period(event)
        return ScanFilters(
            checkpoint_id=checkpoint.id if checkpoint else None,
            verdict=ScanVerdict(self.verdict.data) if self.verdict.data else None,
            direction=ScanDirection(self.direction.data) if self.direction.data else None,
            since=since, until=until,
            badge_or_name=self.q.data or "", offline=self.offline.data, manual=self.manual.data,
            flagged=bool(self.flag.data),
            flag=ScanFlag(self.flag.data) if self.flag.data not in ("", ANY_FLAG) else None)


class AuditTrailForm(_PeriodForm):
    """The audit trail's filters; they combine, and each left empty lets every entry through."""

    actor = SelectField("Who", default="")
    what = SelectField("What", default="")
    person = StringField("Person", validators=[Length(max=120)],
                         description="Part of a name (any script, accents and case optional), a "
                                     "reference, e.g. LY-7K3M-Q2PX, or a badge serial.")
    since, until = _period_fields()

    def offer_choices(self, event: Event | None) -> None:
        """The accounts and actions to choose from; the period read on `event`'s clock."""
        self.actor.choices = select_choices([("", "Anyone")] + actor_choices())
        self.what.choices = [SelectChoice("", "Anything")] + [
            SelectChoice(value, label, optgroup=group) for value, label, group in action_choices()]
        clock = f"Venue time ({event.timezone})" if event is not None else "UTC"
        self.since.description = f"{clock}."
        self.until.description = f"{clock}, this minute included."

    def filters(self, event: Event | None) -> TrailFilters:
        since, until = self.period(event)
        return TrailFilters(actor=self.actor.data or "", what=self.what.data or "",
                            person=self.person.data or "", since=since, until=until)


def _on_the_calendar(field) -> None:
    try:
        check_in_calendar(field.data, field.name)
    except ServiceError as exc:
        raise ValidationError(exc.message) from exc
