"""The door screen: scan a badge, see the verdict and the photo, large."""
from flask import Blueprint

door_bp = Blueprint("door", __name__, url_prefix="/door")

from . import routes  # noqa: E402,F401
