"""A print run through the app: N ready people on a fresh SQLite database, their badges
issued (locks, signed codes, audit trail) in this process and rendered by the worker pool,
with the CPU time of each side, so the figures hold whatever the machine's load.

    python bench/print_run.py [--people 2000]
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=0, help="render processes (0: one per core)")
    args = parser.parse_args()

    from app.extensions import db
    from demo_db import demo_event_database
    from app.models import Delegate
    from app.services.audit import Actor
    from app.services.codes import new_reference
    from app.services.print_runs import Selection, choose_people, print_people
    from support import make_person, sample_photo

    with demo_event_database() as (event, folder):
        first = make_person(event, photo=sample_photo(), stage="approved")
        columns = [c.key for c in Delegate.__table__.columns if c.key not in ("id", "reference")]
        for i in range(args.people - 1):  # the same application, as many people
            values = {key: getattr(first, key) for key in columns}
            values.update(reference=new_reference(), given_name=f"Officer {i:05d}",
                          printed_name=f"Officer {i:05d} {first.family_name}",
                          email=f"officer{i}@example.org", passport_number=f"X{i:07d}")
            db.session.add(Delegate(**values))
        db.session.commit()
        wanted = [(p.id, p.revision) for p in choose_people(event, Selection())[0]]
        wall, cpu = time.perf_counter(), time.process_time()
        result = print_people(event, wanted, Actor.cli("bench"), folder=folder / "run",
                              workers=args.workers or None)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = workers.ru_utime + workers.ru_stime
    n = result["badges"]
    print(f"{n} badges in {len(result['files'])} files, {wall:.1f} s ({n / wall:.0f} badges/s at this load)")
    print(f"parent (database, issuing, audit, photos) {cpu:.1f} CPU-s ({n / cpu:.0f} badges per CPU-second); "
          f"workers (rendering) {worker_cpu:.1f} CPU-s ({n / worker_cpu:.0f} per CPU-second)")
    print(f"on 2 idle cores: about {2 * n / (cpu + worker_cpu):.0f} badges/s; peak RSS parent "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, largest worker "
          f"{workers.ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
