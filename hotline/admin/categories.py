"""The office's categories (问题类别): each with the department a call of it
routes to by default, a hint for the picker, in use or retired (a past call
keeps it); imported from a CSV and exported to one; and the category texts
typed on air that name none yet, mapped once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..access import supervisor_required
from ..actions import desk as actions
from ..changes import categories
from ..extensions import db
from ..forms.admin import ActiveForm
from ..forms.areas import problem_text
from ..forms.categories import CategoryForm
from ..models import Category, Department
from ..queries import categories as lists
from ..rules import categories as rule
from ..web import csv_download
from . import bp, imports
from .routes import first_error

PAGE = "admin/categories.html"


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.id)))


def categories_page(status: int = 200, errors: dict | None = None, problems=None, values=None):
    return (
        render_template(
            PAGE,
            rows=lists.listed(),
            unmapped=lists.unmapped(),
            departments=_departments(),
            errors=errors or {},
            problems=problems or [],
            values=values or {},
        ),
        status,
    )


def _form() -> CategoryForm:
    form = CategoryForm()
    form.department.choices = [SelectChoice("", "—")] + [
        SelectChoice(d.id, d.name) for d in _departments()
    ]
    return form


def _done(message: str, anchor: str):
    if actions.save() != actions.SAVED:
        abort(409)
    flash(message, "success")
    return redirect(url_for("admin.categories_index") + "#" + anchor, 303)


def _refused(error: categories.CategoryError, key: str, values: dict | None = None):
    db.session.rollback()
    return categories_page(422, {key: problem_text(error.code, error.params)}, values=values)


@bp.route("/categories")
@supervisor_required
def categories_index():
    return categories_page()


@bp.route("/categories", methods=["POST"])
@supervisor_required
def category_create():
    form = _form()
    values = {"category-new": form.name.data, "category-new-hint": form.hint.data}
    if not form.validate():
        return categories_page(422, {"category-new": first_error(form)}, values=values)
    try:
        item = categories.add(
            form.name.data, form.department.data, form.hint.data or "", current_user
        )
    except categories.CategoryError as error:
        return _refused(error, "category-new", values)
    return _done(_("%(name)s added.", name=item.name), f"category-{item.id}")


@bp.route("/categories/<int:category_id>", methods=["POST"])
@supervisor_required
def category_update(category_id: int):
    item = db.session.get(Category, category_id) or abort(404)
    form = _form()
    key = f"category-{item.id}"
    if not form.validate():
        return categories_page(422, {key: first_error(form)})
    try:
        categories.change(
            item, form.name.data, form.department.data, form.hint.data or "", current_user
        )
    except categories.CategoryError as error:
        return _refused(error, key)
    return _done(
        _("%(name)s saved. Calls logged before keep their department.", name=item.name), key
    )


@bp.route("/categories/<int:category_id>/active", methods=["POST"])
@supervisor_required
def category_active(category_id: int):
    item = db.session.get(Category, category_id) or abort(404)
    categories.set_active(item, ActiveForm().on, current_user)
    message = (
        _("%(name)s is in use again.", name=item.name)
        if item.active
        else _("%(name)s is retired: it leaves the pickers; past calls keep it.", name=item.name)
    )
    return _done(message, f"category-{item.id}")


@bp.route("/categories.csv")
@supervisor_required
def categories_export():
    return csv_download("categories", list(rule.HEADER), lists.export_rows())


@bp.route("/categories/import", methods=["POST"])
@supervisor_required
def categories_import():
    return imports.import_list(
        "categories-import",
        "admin.categories_index",
        categories_page,
        categories.plan_import,
        categories.apply_import,
        _done,
    )


@bp.route("/categories/map", methods=["POST"])
@supervisor_required
def category_map():
    return imports.map_typed_text(
        categories_page,
        lists.by_name,
        categories.map_text,
        categories.CategoryError,
        _refused,
        _done,
    )
