"""/accessibility: the accessibility statement (无障碍声明), what is met, how it
is tested, the known exceptions and whom to tell about a barrier."""

from __future__ import annotations

from flask import current_app, render_template

from . import bp


@bp.route("/accessibility")
def accessibility():
    config = current_app.config
    contact = config.get("HOTLINE_CONTACT_EMAIL") or config.get("HOTLINE_REMIND_TO")
    return render_template("public/accessibility.html", contact=contact)
