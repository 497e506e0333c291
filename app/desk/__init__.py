"""The front desk: find a person, print and hand over badges, replace and stop them."""
from flask import Blueprint

desk_bp = Blueprint("desk", __name__, url_prefix="/desk")

from . import routes  # noqa: E402,F401
from . import stations  # noqa: E402,F401
