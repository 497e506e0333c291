"""How an event's badges look: its logo and the layout each category prints with."""
from __future__ import annotations

import io
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError

from badges import LayoutError, list_layouts, load_layout

from ..extensions import db
from ..models import Category, Event
from .audit import Actor, record
from .errors import ServiceError

MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_LOGO_SIDE = 1200


def _logo_path(event: Event) -> Path:
    folder = Path(current_app.instance_path) / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"event-{event.id}.png"


def has_event_logo(event: Event) -> bool:
    return _logo_path(event).exists()


def event_logo(event: Event) -> bytes | None:
    path = _logo_path(event)
    return path.read_bytes() if path.exists() else None


def set_event_logo(event: Event, data: bytes, actor: Actor) -> None:
    """Check an uploaded logo and store it as a clean PNG (transparency kept)."""
    if len(data) > MAX_LOGO_BYTES:
        raise ServiceError("The logo is larger than 5 MB.", field="logo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ("PNG", "JPEG", "WEBP"):
                raise ServiceError("Upload the logo as PNG, JPEG or WebP.", field="logo")
            image.load()
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError("The logo file is not a readable image.", field="logo") from None
    image = image.convert("RGBA")
    image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    _logo_path(event).write_bytes(out.getvalue())
    record(actor, "event.logo_changed", event, after={"width": image.width, "height": image.height})
    db.session.commit()


def remove_event_logo(event: Event, actor: Actor) -> None:
    path = _logo_path(event)
    if path.exists():
        path.unlink()
        record(actor, "event.logo_removed", event)
        db.session.commit()


def set_category_layout(category: Category, layout: str, actor: Actor) -> None:
    """Print this category with `layout` (a shipped layout name, or '' for the default)."""
    if layout and layout not in list_layouts():
        raise ServiceError(f"Unknown badge layout {layout!r}.", field="layout")
    if layout:
        try:
            load_layout(layout)
        except LayoutError as exc:
            raise ServiceError(f"Layout {layout!r} cannot be used: {exc}", field="layout") from None
    if category.layout == layout:
        return
    before = {"layout": category.layout}
    category.layout = layout
    record(actor, "category.layout_changed", category, before=before, after={"layout": layout})
    db.session.commit()
