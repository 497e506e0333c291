"""The search migration folds the names of people already registered: the desk finds them the
morning after an upgrade as it finds new ones."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from support import insert_old_event


def test_people_registered_before_the_upgrade_are_found_by_their_folded_names(tmp_path):
    from flask_migrate import upgrade

    from app.services.search import find_people
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path)})
    now = datetime.now(timezone.utc)
    with app.app_context():
        upgrade(revision="0008")
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            insert_old_event(conn, t, now)
            conn.execute(t["delegates"].insert().values(
                id=1, event_id=1, category_id=1, reference="LY-AAAA-AAA1", status="ready",
                revision=1, submitted_by="applicant", honorific="", given_name="Nguyễn Thị Thu",
                family_name="Hằng", printed_name="Nguyễn Thị Thu Hằng", native_name="",
                position="", organisation="", country="VN", email="hang@example.vn", phone="",
                nationality="VN", passport_number="C7654321", dietary_needs="", access_needs="",
                photo_file="", status_note="", created_at=now, updated_at=now))
        upgrade()
        assert [p.reference for p in find_people("nguyen hang")] == ["LY-AAAA-AAA1"]
        assert [p.reference for p in find_people("4321")] == ["LY-AAAA-AAA1"]
        db.session.remove()
        db.engine.dispose()
