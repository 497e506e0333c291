"""The front desk: find a person, print and hand over badges, replace and stop them; register
walk-ins and retake photos."""
from flask import Blueprint

desk_bp = Blueprint("desk", __name__, url_prefix="/desk")

from . import routes, stations, walk_ins  # noqa: E402,F401
