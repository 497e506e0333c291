"""Where a door scan's CPU goes: POST /api/v1/scans through the app's test client (the whole
Flask request, without gunicorn) on a seeded PostgreSQL database, under cProfile.

    python bench/scan_profile.py [--scans 2000] [--people 3000] [--top 40] [--sort cumulative]
                                 [--database-url URL] [--no-profile]

--database-url defaults to postgresql://postgres@127.0.0.1:5432/lanyard_bench_scan_profile.

Seeds as bench/scans.py does (the database is created for the run and dropped after it), logs a
door account in, warms up, then sends the same mix of scans; prints the CPU milliseconds per
scan with and without the profiler, the function calls per scan (a figure other work on the
machine does not move), and the profiler's top functions.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scans import (PASSWORD, Crowd, drop_database, psycopg_url, recreate_database,  # noqa: E402
                   seed, user_agent)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanyard_bench_scan_profile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--scans", type=int, default=2000)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--no-profile", action="store_true", help="only time the scans")
    parser.add_argument("--save", help="also write the profile to this file (pstats)")
    args = parser.parse_args()

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        instance = str(Path(tmp) / "instance")
        recreate_database(args.database_url)
        try:
            seeded = seed(args.database_url, instance, args.people)
            app = create_app({"SQLALCHEMY_DATABASE_URI": psycopg_url(args.database_url),
                              "INSTANCE_PATH": instance, "SESSION_COOKIE_SECURE": False})
            client = app.test_client()
            # One browser logs in and scans (its session is bound to its user agent).
            client.environ_base["HTTP_USER_AGENT"] = user_agent("door-0")
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            client.post("/login", data={"csrf_token": token, "email": seeded.doors[0],
                                        "password": PASSWORD})
            csrf = client.get("/api/v1/door/session").get_json()["csrf_token"]
            crowd = Crowd(seeded.codes, seeded.revoked, seeded.wrong_zone_checkpoint)
            headers = {"X-CSRFToken": csrf}

            def scans(n: int) -> None:
                for _ in range(n):
                    body, expected = crowd.next_scan()
                    answer = client.post("/api/v1/scans", json=body, headers=headers)
                    verdict = answer.get_json().get("verdict")
                    if verdict != expected:
                        sys.exit(f"expected {expected}, got {answer.status_code} {answer.get_json()}")

            scans(200)  # warm: imports, connection pool, key cache, statement caches
            half = args.scans // 2
            started = time.process_time()
            scans(half)
            plain = (time.process_time() - started) / half * 1000
            print(f"{plain:.2f} CPU ms/scan (this process: client, app and driver)")
            if not args.no_profile:
                profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the database
                started = time.process_time()
                profiler.enable()
                scans(half)
                profiler.disable()
                print(f"{(time.process_time() - started) / half * 1000:.2f} CPU ms/scan profiled")
                stats = pstats.Stats(profiler)
                # Unlike seconds, the count does not move with other work on the machine.
                print(f"{stats.total_calls / half:,.0f} Python function calls per scan")
                if args.save:
                    stats.dump_stats(args.save)
                stats.sort_stats(args.sort).print_stats(args.top)
            with app.app_context():
                from app.extensions import db
                db.engine.dispose()
        finally:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
