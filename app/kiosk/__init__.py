"""The self-service kiosk: a delegate prints their own first badge at a station's printer."""
from flask import Blueprint

kiosk_bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

from . import routes  # noqa: E402,F401
