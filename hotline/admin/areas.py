"""The office's areas (区域): the city's districts, streets and towns and
communities, added and renamed here or imported from a CSV and exported to
one; and the area texts typed on air that name none yet, mapped once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import supervisor_required
from ..actions import desk as actions
from ..changes import areas
from ..extensions import db
from ..forms.admin import ActiveForm
from ..forms.areas import AreaChangeForm, AreaForm, problem_text
from ..models import Area
from ..queries import areas as lists
from ..rules import areas as rule
from ..web import csv_download
from . import bp, imports
from .routes import first_error

PAGE = "admin/areas.html"


def areas_page(status: int = 200, errors: dict | None = None, problems=None, values=None):
    return (
        render_template(
            PAGE,
            rows=lists.tree(),
            unmapped=lists.unmapped(),
            options=lists.options(),
            levels=dict(
                zip(rule.LEVELS, (_("District"), _("Street or town"), _("Community")), strict=True)
            ),
            errors=errors or {},
            problems=problems or [],
            values=values or {},
        ),
        status,
    )


def _done(message: str, anchor: str):
    if actions.save() != actions.SAVED:
        abort(409)  # a twin submission changed the same row a moment earlier
    flash(message, "success")
    return redirect(url_for("admin.areas_index") + "#" + anchor, 303)


def _refused(error: areas.AreaError, key: str, values: dict | None = None):
    db.session.rollback()
    return areas_page(422, {key: problem_text(error.code, error.params)}, values=values)


@bp.route("/areas")
@supervisor_required
def areas_index():
    return areas_page()


@bp.route("/areas", methods=["POST"])
@supervisor_required
def area_create():
    form = AreaForm()
    values = {"area-new": form.name.data, "area-new-parent": form.parent.data}
    if not form.validate():
        return areas_page(422, {"area-new": first_error(form)}, values=values)
    parent = None
    if form.parent.data:
        parent = lists.by_text(form.parent.data)
        if parent is None:
            message = problem_text("no_target", {"name": form.parent.data})
            return areas_page(422, {"area-new": message}, values=values)
    try:
        area = areas.add(form.name.data, parent, form.code.data, current_user)
    except areas.AreaError as error:
        return _refused(error, "area-new", values)
    return _done(_("%(name)s added.", name=area.name), f"area-{area.id}")


@bp.route("/areas/<int:area_id>", methods=["POST"])
@supervisor_required
def area_update(area_id: int):
    area = db.session.get(Area, area_id) or abort(404)
    form = AreaChangeForm()
    key = f"area-{area.id}"
    if not form.validate():
        return areas_page(422, {key: first_error(form)})
    try:
        areas.change(area, form.name.data, form.code.data, current_user)
    except areas.AreaError as error:
        return _refused(error, key)
    return _done(_("%(name)s saved: the same area, with its history.", name=area.name), key)


@bp.route("/areas/<int:area_id>/active", methods=["POST"])
@supervisor_required
def area_active(area_id: int):
    area = db.session.get(Area, area_id) or abort(404)
    areas.set_active(area, ActiveForm().on, current_user)
    message = (
        _("%(name)s is in use again.", name=area.name)
        if area.active
        else _("%(name)s is retired: it leaves the pickers; past records keep it.", name=area.name)
    )
    return _done(message, f"area-{area.id}")


@bp.route("/areas.csv")
@supervisor_required
def areas_export():
    return csv_download("areas", list(rule.AREA_HEADER), lists.export_rows())


@bp.route("/areas/import", methods=["POST"])
@supervisor_required
def areas_import():
    return imports.import_list(
        "areas-import",
        "admin.areas_index",
        areas_page,
        areas.plan_import,
        areas.apply_import,
        _done,
    )


@bp.route("/areas/map", methods=["POST"])
@supervisor_required
def area_map():
    return imports.map_typed_text(
        areas_page, lists.by_text, areas.map_text, areas.AreaError, _refused, _done
    )
