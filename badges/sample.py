"""Sample badges from an import-format CSV, with placeholder codes and no
database, so a designer can try a layout against hard names before an event.
The CLI command `flask --app app badges sample` is a thin wrapper around this."""
from __future__ import annotations

import base64
import csv
import hashlib
import os
from datetime import date
from pathlib import Path
from typing import BinaryIO

from .layout import Layout, Sheet
from .model import BadgeData, EventInfo, RenderReport
from .render import render_badges

# Preview defaults only; the app's own category settings win in production. After UN
# practice, delegates and heads of delegation are one red family told apart by letter and
# name; every other category has a colour of its own (CIEDE2000 over 10 from the others).
SAMPLE_CATEGORIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "D": ("Delegate", "#D32F2F", ("1", "2", "3")),
    "E": ("Head of Delegation", "#B71C1C", ("1", "2", "3", "6")),
    "O": ("Observer", "#2E7D32", ("1",)),
    "S": ("Secretariat", "#00695C", ("1", "2", "3", "4")),
    "P": ("Press", "#F9A825", ("5",)),
    "G": ("Guest", "#6A1B9A", ("1",)),
    "C": ("Organiser", "#1565C0", ("1", "2", "3", "4", "5")),
    "Z": ("Host Security", "#37474F", ("1", "2", "3", "4", "5", "6")),
    "V": ("Volunteer", "#EF6C00", ("4",)),
}
SAMPLE_COUNTRIES = {
    "BN": "Brunei Darussalam", "KH": "Cambodia", "ID": "Indonesia", "LA": "Lao PDR",
    "MY": "Malaysia", "MM": "Myanmar", "PH": "Philippines", "SG": "Singapore",
    "TH": "Thailand", "VN": "Viet Nam", "TL": "Timor-Leste",
}
SAMPLE_EVENT = EventInfo(
    name="Sample Event \u2013 Layout Preview", short_name="SAMPLE", venue="Venue name",
    zone_legend=(("1", "Plenary"), ("2", "Bilateral rooms"), ("3", "Delegation offices"),
                 ("4", "Secretariat"), ("5", "Press centre"), ("6", "VIP lounge")),
    host="the host organisation", emergency_contact="+00 0000 0000",
)


def placeholder_code(seed: str) -> str:
    """A 114-character Base32 code, the length of a signed badge code, so the
    sample shows the QR at its real size. It opens no door."""
    digest = hashlib.shake_256(seed.encode("utf-8")).digest(71)
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def read_sample_badges(csv_path: str | os.PathLike, warnings: list[str] | None = None):
    """Yield one BadgeData per CSV row (import format, optional `photo` column
    holding an image path relative to the CSV)."""
    csv_path = Path(csv_path)
    base = csv_path.resolve().parent
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            name = " ".join(p for p in (row.get("given_name", ""), row.get("family_name", "")) if p)
            category = (row.get("category") or "D")[:1].upper()
            cat_name, colour, zones = SAMPLE_CATEGORIES.get(category, ("Participant", "#777777", ("1",)))
            country = row.get("country", "").upper()
            photo = None
            if row.get("photo"):
                path = (base / row["photo"]).resolve()
                try:
                    photo = path.read_bytes()
                except OSError as exc:
                    if warnings is not None:
                        warnings.append(f"row {number}: photo {row['photo']!r} not read ({exc.strerror})")
            yield BadgeData(
                code=placeholder_code(f"{number}:{name}"), name=name or f"Row {number}",
                native_name=row.get("native_name", ""), honorific=row.get("honorific", ""),
                position=row.get("position", ""), organisation=row.get("organisation", ""),
                country_code=country, country_name=SAMPLE_COUNTRIES.get(country, ""),
                category_code=category, category_name=cat_name, category_colour=colour,
                zones=zones, photo=photo, serial=f"SAMPLE{number:04d}", version=1,
                valid_from=date.today(), valid_to=date.today(),
            )


def render_sample_csv(csv_path: str | os.PathLike, out: BinaryIO | str | os.PathLike, *,
                      layout: str | Layout | None = None, sheet: str | Sheet | None = None,
                      back: bool = False, event: EventInfo | None = None) -> RenderReport:
    """Render one sample badge per CSV row to `out`; photo problems become warnings."""
    warnings: list[str] = []
    report = render_badges(read_sample_badges(csv_path, warnings), out,
                           event=event or SAMPLE_EVENT, layout=layout, sheet=sheet, back=back)
    report.warnings[:0] = warnings
    return report
