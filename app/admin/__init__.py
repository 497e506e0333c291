"""Administration: events, staff accounts and the audit trail."""
from flask import Blueprint

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import delegates, events, keys, routes  # noqa: E402,F401
