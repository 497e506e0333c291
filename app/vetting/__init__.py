"""The accreditation office: the queue of applications and the decisions on them."""
from flask import Blueprint

vetting_bp = Blueprint("vetting", __name__, url_prefix="/vetting")

from . import routes  # noqa: E402,F401
