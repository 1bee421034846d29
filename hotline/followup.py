"""After the show: progress, extensions, completion, verification and 督办."""

from __future__ import annotations

from flask import Blueprint, render_template

from .auth import staff_required

bp = Blueprint("followup", __name__, url_prefix="/followup")


@bp.route("/")
@staff_required
def dashboard():
    return render_template("followup/dashboard.html")
