"""The migrations build exactly the schema the models describe, on this database."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from support import insert_old_event


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_to_nothing_and_up_again(tmp_path):
    from flask_migrate import downgrade, upgrade
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "delegates" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_signed_codes_migration_re_signs_unprinted_badges_and_reissues_printed_ones(tmp_path):
    """Badges made before signed codes: a printed card's random code is refused as superseded,
    its replacement waits at the desk, and an unprinted badge just gets a signed code."""
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.models import Badge, Checkpoint, ScanDirection, ScanVerdict
    from app.services.audit import Actor
    from app.services.checkin import record_scan
    from app.services.codes import parse_badge_code

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path)})
    now = datetime.now(timezone.utc)
    printed_code, unprinted_code = "A" * 32, "B" * 32
    with app.app_context():
        upgrade(revision="0005")
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            insert_old_event(conn, t, now)
            conn.execute(t["checkpoints"].insert().values(id=1, event_id=1, code="MAIN", name="Main",
                                                          single_entry=True))
            for i in (1, 2):
                conn.execute(t["delegates"].insert().values(
                    id=i, event_id=1, category_id=1, reference=f"LY-AAAA-AAA{i}", status="approved",
                    revision=2, submitted_by="applicant", honorific="", given_name=f"Person {i}",
                    family_name="", printed_name=f"Person {i}", native_name="", position="",
                    organisation="", country="MY", email=f"p{i}@example.my", phone="", nationality="",
                    passport_number="", dietary_needs="", access_needs="", photo_file="x.jpg",
                    status_note="", created_at=now, updated_at=now))
            conn.execute(t["badges"].insert().values(id=1, delegate_id=1, version=1, code=printed_code,
                                                     issued_at=now, printed_at=now, handed_over_at=now,
                                                     revoked_reason=""))
            conn.execute(t["badges"].insert().values(id=2, delegate_id=2, version=1, code=unprinted_code,
                                                     issued_at=now, revoked_reason=""))
        upgrade()

        old, replacement = db.session.scalars(
            sa.select(Badge).where(Badge.delegate_id == 1).order_by(Badge.version)).all()
        assert old.code == printed_code and old.revoked_reason == "reissued"
        assert replacement.version == 2 and replacement.printed_at is None
        assert parse_badge_code(replacement.code).badge_id == replacement.id
        unprinted = db.session.get(Badge, 2)
        assert unprinted.revoked_at is None and parse_badge_code(unprinted.code).badge_id == 2

        main = db.session.get(Checkpoint, 1)
        actor = Actor.cli("test")
        assert record_scan(main, printed_code, ScanDirection.IN, actor).verdict is ScanVerdict.SUPERSEDED
        assert record_scan(main, unprinted_code, ScanDirection.IN, actor).verdict is \
            ScanVerdict.UNKNOWN_CODE
        db.session.remove()
        db.engine.dispose()
