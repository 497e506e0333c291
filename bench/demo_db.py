"""A throwaway SQLite database holding the demo event, for benchmarks that run the app's services."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def demo_event_database() -> Iterator[tuple[object, Path]]:
    """The demo event (no staff) in a new SQLite database in a temporary folder, inside the app's
    context: (event, folder)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.services.demo import create_demo_event

    folder = Path(tempfile.mkdtemp(prefix="lanyard-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        event, _ = create_demo_event(0, with_staff=False)
        yield event, folder
