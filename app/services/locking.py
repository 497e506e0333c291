"""Row locks for changes that depend on a person's current state."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Delegate


def lock_delegate(delegate: Delegate) -> Delegate:
    """Re-read `delegate` under a row lock, with what other desks committed meanwhile.

    A decision (approve, reject) and a correction of the same application can
    arrive at the same moment; the second waits for the first and then sees it.
    """
    return db.session.scalars(
        select(Delegate).where(Delegate.id == delegate.id).with_for_update()
        .execution_options(populate_existing=True)).one()
