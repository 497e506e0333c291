"""The offices' overview of an event: where every application stands, per delegation and per
category, and the registrations and decisions of each day."""
from flask import Blueprint

overview_bp = Blueprint("overview", __name__, url_prefix="/overview")

from . import routes  # noqa: E402,F401
