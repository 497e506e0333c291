"""The host's security office: who is inside each zone now, evacuation roll-calls, the scan log."""
from flask import Blueprint

security_bp = Blueprint("security", __name__, url_prefix="/security")

from . import routes  # noqa: E402,F401
