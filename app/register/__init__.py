"""Public pages: an applicant registers for an event and follows their application."""
from flask import Blueprint

register_bp = Blueprint("register", __name__, url_prefix="/events")

from . import routes  # noqa: E402,F401
