"""gunicorn's settings for Lanyard: gunicorn reads this file from the directory it starts in.

The command line still says how many workers and threads (README, *Running on PostgreSQL*).
"""
import gc


def post_worker_init(worker):
    """Ready a worker before its first request: one database connection per thread, then the
    objects it has loaded (the app, its libraries, about 160,000) kept out of the cyclic garbage
    collector's full passes. Those passes otherwise walk them all every few thousand requests and
    stop every thread of the worker for 80 ms: at a door, the slowest scans of the day."""
    from app.database import open_pooled_connections

    app = worker.wsgi
    if hasattr(app, "app_context"):  # not when the app failed to load (gunicorn then says why)
        with app.app_context():
            open_pooled_connections(worker.cfg.threads)
    gc.freeze()
