"""Lanyard: delegate registration, accreditation badges and door checks."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import instance_path_from_env, load_config
from .database import configure_engine
from .services.revisions import install_revision_guard
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or instance_path_from_env()
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    app.config.update(config)
    if app.config["LANYARD_PROXY_HOPS"]:
        hops = app.config["LANYARD_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    install_revision_guard()
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    # Before CSRFProtect's hook, which is the first to read the request body.
    app.before_request(allow_large_imports)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from . import models  # noqa: F401  (registers the tables)
    from .auth import auth_bp
    from .register import register_bp
    from .liaison import liaison_bp
    from .vetting import vetting_bp
    from .desk import desk_bp
    from .kiosk import kiosk_bp
    from .door import door_bp
    from .security import security_bp
    from .overview import overview_bp
    from .admin import admin_bp
    from .api import api_bp
    from .web import RowId, install_web_defaults

    # Before the routes are added: every <int:...> in them is a row id.
    app.url_map.converters["int"] = RowId
    for blueprint in (auth_bp, register_bp, liaison_bp, vetting_bp, desk_bp, kiosk_bp, door_bp,
                      security_bp, overview_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)
    install_web_defaults(app)

    from .cli import register_commands
    register_commands(app)
    return app


# Endpoints that take a list with its photos in one ZIP file: bigger than any photo upload.
LARGE_UPLOAD_ENDPOINTS = {"admin.delegates"}


def allow_large_imports() -> None:
    from flask import current_app, request
    from flask_login import current_user

    from .models import StaffRole
    if (request.endpoint in LARGE_UPLOAD_ENDPOINTS and current_user.is_authenticated
            and current_user.has_role(StaffRole.ADMIN)):
        request.max_content_length = current_app.config["LANYARD_MAX_IMPORT_MB"] * 1024 * 1024
