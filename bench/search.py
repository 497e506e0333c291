"""Desk search speed: typical queries at 5,000 and 50,000 delegates on SQLite and PostgreSQL,
p50 and p95 per query kind, against the desk's former search (lower() LIKE over six columns, no
folding, no usable index) on the same data in the same run.

Each database is a throwaway one: a temporary SQLite file, and on PostgreSQL a database made
for the run on the server given (and dropped after). People are the demo's, with names that
belong to their delegation (Vietnamese, Thai, Khmer, Burmese, Lao, Chinese, Jawi...).

    python bench/search.py [--sizes 5000,50000] [--rounds 20]
                           [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Badge, Delegate, DelegateStatus  # noqa: E402
from app.models.search_text import delegate_search_text  # noqa: E402
from app.services.demo import ASEAN, NAMES, create_demo_event, demo_person  # noqa: E402
from app.services.search import find_people  # noqa: E402

BATCH = 5000


def former_search(text: str, limit: int = 50) -> list[Delegate]:
    """The desk's search before folded names: what the new one is measured against."""
    pattern = f"%{text.strip().lower()}%"
    query = sa.select(Delegate).where(sa.or_(
        sa.func.lower(Delegate.printed_name).like(pattern),
        sa.func.lower(Delegate.given_name + " " + Delegate.family_name).like(pattern),
        sa.func.lower(Delegate.native_name).like(pattern),
        sa.func.lower(Delegate.email).like(pattern),
        sa.func.lower(Delegate.organisation).like(pattern),
        Delegate.reference == text.strip().upper(),
    )).order_by((Delegate.status == DelegateStatus.READY).desc(), Delegate.printed_name)
    return list(db.session.scalars(query.limit(limit)))


def fill(count: int, seed: int = 10) -> dict[str, str]:
    """`count` demo people (a badge for one in five), bulk-inserted; returns sample queries
    of each kind, taken from people who exist."""
    rng = random.Random(seed)
    material = json.loads(NAMES.read_text(encoding="utf-8"))
    event, _ = create_demo_event(0, with_staff=False)
    categories = {c.code: c.id for c in event.categories}
    delegations = {d.country: d.id for d in event.delegations}
    now = datetime.now(timezone.utc)
    rows = []
    for i in range(count):
        country = ASEAN[i % len(ASEAN)][0]
        person = demo_person(material, country, "D", rng, set())
        row = dict(event_id=event.id, delegation_id=delegations[country],
                   category_id=categories["D"], reference=_reference(i),
                   status=DelegateStatus.READY if i % 3 else DelegateStatus.SUBMITTED,
                   honorific=person.honorific, given_name=person.given, family_name=person.family,
                   printed_name=person.printed, native_name=person.native,
                   organisation=person.organisation, country=country, email=person.email(i),
                   nationality=country, date_of_birth=date(1970, 1, 1),
                   passport_number=f"{country}{rng.randrange(10**6, 10**7)}", photo_file="x.jpg")
        row["search_text"] = delegate_search_text(_Plain(row))
        rows.append(row)
    # Bulk insert: core statements skip the ORM event, so the folded text is computed above.
    table = Delegate.__table__
    for start in range(0, count, BATCH):
        db.session.execute(table.insert(), [{**r, "created_at": now, "updated_at": now}
                                            for r in rows[start:start + BATCH]])
    db.session.commit()
    ids = db.session.scalars(sa.select(Delegate.id).order_by(Delegate.id)).all()
    db.session.execute(Badge.__table__.insert(), [
        dict(delegate_id=d, version=1, code=f"bench-{d}", issued_at=now, revoked_reason="")
        for d in ids[::5]])
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    vietnamese = next(r for r in rows[len(rows) // 2:] if r["country"] == "VN")
    thai = next(r for r in rows[len(rows) // 3:] if r["country"] == "TH" and r["native_name"])
    chinese = next((r for r in rows if r["country"] == "SG" and r["native_name"]), thai)
    badge = db.session.scalar(sa.select(Badge).order_by(Badge.id.desc()))
    middle = rows[len(rows) // 2]
    return {
        "folded name, 3 words": _plain_words(vietnamese["printed_name"]),
        "part of a name": vietnamese["family_name"][:4].lower(),
        "two letters": _plain_words(thai["family_name"])[:2],
        "own script (Thai)": thai["native_name"].split()[0],
        "own script (Chinese)": chinese["native_name"][-2:],
        "reference": middle["reference"],
        "badge serial": badge.serial,
        "document, last four": middle["passport_number"][-4:],
        "delegation": "viet nam",
    }


def _reference(number: int) -> str:
    digits = f"{number:08X}"
    return f"LY-{digits[:4]}-{digits[4:]}"


class _Plain:
    def __init__(self, row: dict):
        self.__dict__.update(row)


def _plain_words(name: str) -> str:
    from app.models.search_text import fold
    words = fold(name).split()
    return " ".join(words[:1] + words[-2:]) if len(words) > 2 else " ".join(words)


def time_queries(queries: dict[str, str], search, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {kind: [] for kind in queries}
    for _ in range(rounds):
        for kind, text in queries.items():
            db.session.expunge_all()
            start = time.perf_counter()
            search(text)
            times[kind].append((time.perf_counter() - start) * 1000)
    return times


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(label: str, url: str, sizes: list[int], rounds: int, cleanup) -> None:
    for size in sizes:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url(size),
                          "INSTANCE_PATH": tempfile.mkdtemp(prefix="lanyard-bench-")})
        with app.app_context():
            from flask_migrate import upgrade
            upgrade()
            started = time.perf_counter()
            queries = fill(size)
            filled = time.perf_counter() - started
            found = {kind: len(find_people(text)) for kind, text in queries.items()}
            time_queries(queries, find_people, 2)  # warm caches and plans
            new = time_queries(queries, find_people, rounds)
            old = time_queries(queries, former_search, max(3, rounds // 4))
            print(f"\n{label}, {size:,} delegates (filled in {filled:.1f} s), ms per query:")
            print(f"  {'query':24} {'hits':>4} {'p50':>7} {'p95':>7} {'former p50':>11} {'ratio':>6}")
            for kind, text in queries.items():
                ratio = statistics.median(old[kind]) / statistics.median(new[kind])
                print(f"  {kind:24} {found[kind]:>4} {p(new[kind], .5):7.1f} {p(new[kind], .95):7.1f}"
                      f" {p(old[kind], .5):11.1f} {ratio:5.1f}x   {text!r}")
            every_new = [t for values in new.values() for t in values]
            every_old = [t for values in old.values() for t in values]
            print(f"  {'all queries':24} {'':>4} {p(every_new, .5):7.1f} {p(every_new, .95):7.1f}"
                  f" {p(every_old, .5):11.1f} "
                  f"{statistics.median(every_old) / statistics.median(every_new):5.1f}x")
            db.session.remove()
            db.engine.dispose()
        cleanup(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default="",
                        help="a PostgreSQL server URL whose user may create databases")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="lanyard-bench-"))
    run("SQLite", lambda size: f"sqlite:///{folder / f'search-{size}.db'}", sizes, args.rounds,
        lambda size: (folder / f"search-{size}.db").unlink())
    if args.postgres:
        server = sa.create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1),
                                  isolation_level="AUTOCOMMIT")
        names = {size: f"lanyard_bench_search_{uuid.uuid4().hex[:8]}" for size in sizes}

        def make(size):
            with server.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{names[size]}"'))
            return str(server.url.set(database=names[size]).render_as_string(hide_password=False))

        def drop(size):
            with server.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{names[size]}"'))
        try:
            run("PostgreSQL", make, sizes, args.rounds, drop)
        finally:
            for size in sizes:
                drop(size)


if __name__ == "__main__":
    main()
