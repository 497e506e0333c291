"""Finding people by what the desk types: any part of a name in any script, a reference, a
badge serial, a document's last characters or a delegation. The scan log and the audit trail
find people the same way."""
from __future__ import annotations

import re

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Badge, Delegate, DelegateStatus, Delegation
from ..models.search_text import fold
from .codes import clean_reference
from .countries import country_name


# A badge serial as printed, "B000123-2", or its first part.
_BADGE_SERIAL = re.compile(r"^\s*B0*(\d{1,9})(?:-(\d{1,9}))?\s*$", re.IGNORECASE)


def find_people(text: str, limit: int = 30) -> list[Delegate]:
    """People the desk may mean by `text`, ready to print first: the one person whose reference
    or badge serial it is; else everyone of whom every word typed is part of a name (in any
    script, any case, with or without diacritics), the reference, organisation, e-mail, the
    document's last four characters or the delegation (code or name)."""
    words = fold(text).split()
    if not words:
        return []
    query = select(Delegate).options(selectinload(Delegate.badges), selectinload(Delegate.category))
    exact = _by_code(text)
    if exact is not None:
        # A scanned or typed code names one person: no need to read the whole table.
        found = list(db.session.scalars(query.where(exact)))
        if found:
            return found
    every_word = _every_word(words)
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no index for a substring LIKE; asked for ids alone it reads the narrow index
        # of folded text instead of the wide table (twice as fast). PostgreSQL's trigram index
        # serves the plain form better: its planner would read every delegate for this one.
        every_word = Delegate.id.in_(select(Delegate.id).where(every_word))
    return list(db.session.scalars(
        query.where(every_word)
        .order_by((Delegate.status == DelegateStatus.READY).desc(), Delegate.printed_name,
                  Delegate.id)
        .limit(limit)))


def people_matching(text: str):
    """SQL condition for the people `text` names, as the desk's search reads it: the one person
    whose reference or badge serial it is; else everyone of whom every word typed is part of the
    folded search text or names their delegation. For the searches of other pages (the scan log,
    the audit trail), which narrow their own records to these people."""
    words = fold(text).split()
    if not words:
        return false()
    exact = _by_code(text)
    if exact is not None and db.session.scalar(select(Delegate.id).where(exact).limit(1)) is not None:
        return exact
    return _every_word(words)


def badge_serial(text: str) -> tuple[int, int | None] | None:
    """The badge id in a serial as printed ("B000123-2", any case), with its version if typed
    ("B123" gives none); None if `text` is no serial."""
    serial = _BADGE_SERIAL.match(text)
    if serial is None:
        return None
    return int(serial.group(1)), int(serial.group(2)) if serial.group(2) else None


def _by_code(text: str):
    """The condition for the person whose reference or badge serial `text` is, if it is one."""
    codes = []
    reference = clean_reference(text)
    if reference:
        codes.append(Delegate.reference == reference)
    serial = badge_serial(text)
    if serial:
        # Looked up first: as a subquery inside OR, PostgreSQL reads every delegate.
        holder = db.session.scalar(select(Badge.delegate_id).where(Badge.id == serial[0]))
        if holder is not None:
            codes.append(Delegate.id == holder)
    return or_(*codes) if codes else None


def _every_word(words: list[str]):
    """Every word is part of the person's folded text, or names their delegation."""
    delegations = _delegations_by_word(words)
    # Folding leaves only letters, digits and spaces: no word holds a LIKE wildcard.
    return and_(*(or_(_word_matches(word),
                      Delegate.delegation_id.in_(delegations[word]) if delegations[word] else false())
                  for word in words))


def _word_matches(word: str):
    """Part of the folded text. Words of one or two characters match where a stored word begins
    ("vu", "th", "伟明"): too short for trigrams, a bare substring would read the whole table,
    and the start of a word is what a clerk means by them."""
    if len(word) >= 3:
        return Delegate.search_text.like(f"%{word}%")
    return or_(Delegate.search_text.like(f"{word}%"), Delegate.search_text.like(f"% {word}%"))


def _delegations_by_word(words: list[str]) -> dict[str, list[int]]:
    """For each word, the delegations it names: their country code, or part of their name.
    A few dozen rows: folded here rather than kept in a column of their own."""
    rows = db.session.execute(select(Delegation.id, Delegation.country)).all()
    folded = [(row.id, row.country.lower(), fold(country_name(row.country))) for row in rows]
    return {word: [id_ for id_, code, name in folded if word == code or word in name]
            for word in words}
