"""A desk's Print: what sending the badge to a CUPS queue adds to printing into the browser.

For the same kind of delegates, in the same run: the time of Print into the browser (issue,
render, mark printed: the baseline) and of Print to a station bound to a cups-pdf queue (the
same, plus the queue's state and `lp` before anything is kept), p50 and p95 per badge; and how
long cups-pdf then takes to write the PDF (the queue's own work, not the desk's wait).

    python bench/desk_print.py [--count 30] [--queue LanyardPDF]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--queue", default="LanyardPDF")
    args = parser.parse_args()

    from app.extensions import db
    from demo_db import demo_event_database
    from app.models import Station
    from app.services.audit import Actor
    from app.services.issuance import print_badge
    from cups_support import printed_pdf
    from support import make_person

    with demo_event_database() as (event, folder):
        station = Station(event=event, name="Bench desk", printer_queue=args.queue)
        db.session.add(station)
        db.session.commit()
        actor = Actor.cli("bench")
        people = [make_person(event, stage="approved", given_name="Dewi", family_name=f"Bench {i}",
                              email=f"bench{i}@example.org") for i in range(2 * args.count)]
        print_badge(people[0], actor, seen_revision=people[0].revision)  # warm the fonts
        timings: dict[str, list[float]] = {"browser": [], "queue": []}
        jobs = []
        # Interleaved, so both meet the same machine load.
        for i in range(1, args.count):
            for kind, person in (("browser", people[2 * i]), ("queue", people[2 * i + 1])):
                started = time.perf_counter()
                printed = print_badge(person, actor, seen_revision=person.revision,
                                      station=station if kind == "queue" else None)
                timings[kind].append(time.perf_counter() - started)
                if printed.job:
                    jobs.append((printed.job.job, time.perf_counter()))
        written = []
        for job, sent in jobs:
            printed_pdf(job)
            written.append(time.perf_counter() - sent)

    ms = {kind: [t * 1000 for t in values] for kind, values in timings.items()}
    for kind, label in (("browser", "Print into the browser"), ("queue", f"Print to {args.queue}")):
        print(f"{label:32} p50 {statistics.median(ms[kind]):7.1f} ms  "
              f"p95 {percentile(ms[kind], 0.95):7.1f} ms  ({len(ms[kind])} badges)")
    ratio = statistics.median(ms['queue']) / statistics.median(ms['browser'])
    print(f"{'queue / browser (p50)':32} {ratio:.2f}x")
    print(f"{'cups-pdf wrote the PDF after':32} p50 {statistics.median(written):7.2f} s  "
          f"(last of {len(written)} jobs sent in a row: {max(written):.1f} s)")


if __name__ == "__main__":
    main()
