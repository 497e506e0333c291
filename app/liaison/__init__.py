"""The liaison officer's pages: one delegation's members, reached by a signed invitation link."""
from flask import Blueprint

liaison_bp = Blueprint("liaison", __name__, url_prefix="/liaison")

from . import routes  # noqa: E402,F401
