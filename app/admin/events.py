"""Admin pages that set up an event: its details, then its delegations, zones,
categories and checkpoints (each listed, added, edited and removed the same way)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (BooleanField, ColorField, DateField, DateTimeLocalField, IntegerField,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.access import role_required
from ..extensions import db
from ..web import attempt
from ..formkit import LOCAL_MINUTE, select_choices
from ..models import Category, Checkpoint, Delegate, Delegation, DoorDirections, Event, StaffRole, Zone
from ..services import events
from ..services.audit import Actor
from ..services.countries import country_choices
from ..services.errors import ServiceError
from . import admin_bp


class EventForm(FlaskForm):
    slug = StringField("Address", validators=[DataRequired()],
                       description="Lowercase letters, digits and hyphens, e.g. amim23: the "
                                   "registration page is /events/amim23/register.")
    name = StringField("Name", validators=[DataRequired()])
    venue = StringField("Venue")
    # InputRequired, not DataRequired: a date that does not parse keeps its own message.
    starts_on = DateField("First day", validators=[InputRequired()])
    ends_on = DateField("Last day", validators=[InputRequired()])
    timezone = SelectField("Time zone of the venue", validate_choice=False,
                           description="Door checks and the registration window follow it.")
    host = StringField("Host organisation", description="Printed on the back of badges.")
    emergency_contact = StringField("Emergency contact",
                                    description="Printed on the back of badges, "
                                                "e.g. Security office +60 3 2333 2888.")
    registration_opens = DateTimeLocalField("Registration opens", format=LOCAL_MINUTE,
                                            validators=[Optional()],
                                            description="Venue time. Open at once if empty.")
    registration_closes = DateTimeLocalField("Registration closes", format=LOCAL_MINUTE,
                                             validators=[Optional()],
                                             description="Venue time. Open to the end if empty.")
    privacy_notice = TextAreaField("Privacy notice", render_kw={"rows": 6},
                                   description="Shown on the registration form; applicants "
                                               "agree to it.")
    document_valid_months = IntegerField(
        "Document valid after the meeting (months)", validators=[Optional()], default=0,
        description="A passport or ID must stay valid this long after the last day; "
                    "6 is common. 0: until the last day.")
    badge_collection = TextAreaField(
        "Badge collection", render_kw={"rows": 3},
        description="Where and when delegates collect their badges, as the end of the sentence "
                    "\"Where to collect your badge: …\", e.g. the accreditation desk at the hall 2 "
                    "entrance, from 08:00 the day before the meeting. Shown on their page and in "
                    "the approval e-mail.")

    @classmethod
    def of(cls, event: Event) -> EventForm:
        """The form showing an event as stored, the window in venue time."""
        return cls(data={
            "slug": event.slug, "name": event.name, "venue": event.venue,
            "starts_on": event.starts_on, "ends_on": event.ends_on, "timezone": event.timezone,
            "host": event.host, "emergency_contact": event.emergency_contact,
            "registration_opens": events.venue_time(event, event.registration_opens_at),
            "registration_closes": events.venue_time(event, event.registration_closes_at),
            "privacy_notice": event.privacy_notice,
            "document_valid_months": event.document_valid_months,
            "badge_collection": event.badge_collection})

    def details(self) -> events.EventDetails:
        return events.EventDetails(
            slug=self.slug.data or "", name=self.name.data or "", venue=self.venue.data or "",
            starts_on=self.starts_on.data, ends_on=self.ends_on.data,
            timezone=self.timezone.data or "", host=self.host.data or "",
            emergency_contact=self.emergency_contact.data or "",
            registration_opens=self.registration_opens.data,
            registration_closes=self.registration_closes.data,
            privacy_notice=self.privacy_notice.data or "",
            document_valid_months=self.document_valid_months.data,
            badge_collection=self.badge_collection.data or "")

    def offer_timezones(self) -> None:
        self.timezone.choices = select_choices((name, name) for name in events.timezone_names())


class PartForm(FlaskForm):
    """A form for one part of an event; its fields are the service function's arguments."""

    def offer(self, event: Event) -> None:
        """Fill the choices that depend on the event."""

    def values(self) -> dict:
        return {f.name: f.data for f in self if f.name != "csrf_token"}


class DelegationForm(PartForm):
    country = SelectField("Country", validate_choice=False,
                          description="Forms, lists, badges and exports show the country's name.")
    max_members = IntegerField("Most members", validators=[Optional()],
                               description="Registrations stop at this number. Empty: no cap.")

    def offer(self, event):
        self.country.choices = select_choices([("", "Choose a country")] + country_choices())


class ZoneForm(PartForm):
    code = StringField("Code", description="Printed on badges: up to 8 letters or digits, e.g. 1 or VIP.")
    name = StringField("Name", description="e.g. Plenary hall.")


class CategoryForm(PartForm):
    code = StringField("Code", description="One or two letters printed on badges, e.g. D.")
    name = StringField("Name", description="e.g. Delegate.")
    colour = ColorField("Badge colour", default="#1F4E8C", description="As #RRGGBB.")
    keep_family = BooleanField(
        "Keep as a colour family",
        description="Save a colour nearly the same as another category's (UN practice gives "
                    "delegates and heads of delegation the same red); badges tell the two "
                    "apart by their code letter and name.")
    self_service = BooleanField("Applicants may choose it on the public form", default=True)
    needs_clearance = BooleanField("Needs the security office's clearance before a badge is printed",
                                   default=False)
    default_zones = SelectMultipleField("Zones people of this category get",
                                        validate_choice=False, widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput(), render_kw={"class": "plain"})

    def offer(self, event):
        self.default_zones.choices = select_choices((z.code, f"{z.code} · {z.name}")
                                                    for z in event.zones)


class CheckpointForm(PartForm):
    code = StringField("Code", description="Door staff pick it, e.g. MAIN.")
    name = StringField("Name", description="e.g. Main entrance.")
    zone = SelectField("Zone it guards", validate_choice=False)
    single_entry = BooleanField("Single entry: refuse a second entry into the zone without an exit",
                                default=True)
    directions = SelectField("Direction", default=DoorDirections.BOTH.value,
                             choices=select_choices((d.value, d.title) for d in DoorDirections))

    def offer(self, event):
        self.zone.choices = select_choices(
            [("", "None: any approved badge enters")]
            + [(z.code, f"{z.code} · {z.name}") for z in event.zones])


class RemoveForm(FlaskForm):
    """A button: carries only the CSRF token."""


@dataclass(frozen=True)
class Part:
    """One kind of thing an event is made of, and the service functions that change it."""

    name: str  # in URLs and endpoint names: "zones"
    noun: str  # "zone"
    model: type
    form: type[PartForm]
    add: Callable
    update: Callable
    remove: Callable
    help: str
    notes: Callable[[Event], dict[int, list[str]]] | None = None  # shown beside each item


PARTS = [
    Part("delegations", "delegation", Delegation, DelegationForm, events.add_delegation,
         events.update_delegation, events.remove_delegation,
         "Applicants choose their delegation on the public form; liaison officers are invited "
         "per delegation."),
    Part("zones", "zone", Zone, ZoneForm, events.add_zone, events.update_zone, events.remove_zone,
         "Areas of the venue; a badge lists the zones its holder may enter."),
    Part("categories", "category", Category, CategoryForm, events.add_category,
         events.update_category, events.remove_category,
         "The badge colour and letter, and the zones a person gets unless staff choose others. "
         "Each category's badge layout is chosen on the badge design page.",
         notes=events.colour_notes),
    Part("checkpoints", "checkpoint", Checkpoint, CheckpointForm, events.add_checkpoint,
         events.update_checkpoint, events.remove_checkpoint,
         "Doors where badges are scanned; a door that guards a zone lets in only badges with it."),
]


def _event_or_404(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404)


def _refused(form: FlaskForm, exc: ServiceError, default_field: str) -> None:
    """Show a service's refusal next to its field; nothing was written."""
    db.session.rollback()
    field = form[exc.field] if exc.field and exc.field in form else form[default_field]
    field.errors = [*field.errors, exc.message]


@admin_bp.route("/events/new", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def new_event():
    form = EventForm(data={"timezone": events.server_timezone()})
    form.offer_timezones()
    if form.validate_on_submit():
        try:
            event = events.create_event(form.details(), Actor.current())
        except ServiceError as exc:
            _refused(form, exc, "slug")
        else:
            flash(f"{event.name} created. Add its delegations, zones, categories and "
                  "checkpoints next.", "success")
            return redirect(url_for("admin.event_delegations", event_id=event.id))
    return render_template("admin/event_form.html", form=form, event=None), \
        400 if form.errors else 200


@admin_bp.route("/events/<int:event_id>/setup", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def edit_event(event_id: int):
    event = _event_or_404(event_id)
    form = EventForm.of(event)
    form.offer_timezones()
    if db.session.scalar(select(func.count()).select_from(Delegate)
                         .where(Delegate.event_id == event.id)):
        form.slug.render_kw = {"readonly": True}
        form.slug.description = (f"People have registered at /events/{event.slug}/register; "
                                 "the address cannot change now.")
    if form.validate_on_submit():
        try:
            events.update_event(event, form.details(), Actor.current())
        except ServiceError as exc:
            _refused(form, exc, "slug")
        else:
            flash("Event details saved.", "success")
            return redirect(url_for("admin.edit_event", event_id=event.id))
    return render_template("admin/event_form.html", form=form, event=event), \
        400 if form.errors else 200


def _part_routes(part: Part) -> None:
    """List and add, edit, remove: the same three pages for every part of an event."""

    def item_or_404(event: Event, item_id: int):
        item = db.session.get(part.model, item_id)
        if item is None or item.event_id != event.id:
            abort(404)
        return item

    def listing(event_id: int):
        event = _event_or_404(event_id)
        form = part.form()
        form.offer(event)
        if form.validate_on_submit():
            try:
                item = part.add(event, **form.values(), actor=Actor.current())
            except ServiceError as exc:
                _refused(form, exc, "name")
            else:
                flash(f"{part.noun.capitalize()} {item.name} added.", "success")
                return redirect(url_for(f"admin.event_{part.name}", event_id=event.id))
        items = getattr(event, part.name)
        return render_template("admin/event_part.html", event=event, part=part, form=form,
                               items=items, uses={i.id: events.uses_of(i) for i in items},
                               notes=part.notes(event) if part.notes else {},
                               remove_form=RemoveForm()), 400 if form.errors else 200

    def edit(event_id: int, item_id: int):
        event = _event_or_404(event_id)
        item = item_or_404(event, item_id)
        form = part.form(data=events.current_values(item))
        form.offer(event)
        if form.validate_on_submit():
            try:
                part.update(item, **form.values(), actor=Actor.current())
            except ServiceError as exc:
                _refused(form, exc, "name")
            else:
                flash(f"{part.noun.capitalize()} {item.name} saved.", "success")
                return redirect(url_for(f"admin.event_{part.name}", event_id=event.id))
        return render_template("admin/event_part_edit.html", event=event, part=part, form=form,
                               item=item, uses=events.uses_of(item),
                               remove_form=RemoveForm()), 400 if form.errors else 200

    def remove(event_id: int, item_id: int):
        event = _event_or_404(event_id)
        item = item_or_404(event, item_id)
        if RemoveForm().validate_on_submit():
            attempt(part.remove, item, Actor.current(),
                    done=f"{part.noun.capitalize()} {item.name} removed.")
        return redirect(url_for(f"admin.event_{part.name}", event_id=event.id))

    admin_only = role_required(StaffRole.ADMIN)
    base = f"/events/<int:event_id>/{part.name}"
    admin_bp.add_url_rule(base, f"event_{part.name}", admin_only(listing),
                          methods=["GET", "POST"])
    admin_bp.add_url_rule(f"{base}/<int:item_id>", f"edit_{part.noun}", admin_only(edit),
                          methods=["GET", "POST"])
    admin_bp.add_url_rule(f"{base}/<int:item_id>/remove", f"remove_{part.noun}",
                          admin_only(remove), methods=["POST"])


for _part in PARTS:
    _part_routes(_part)
