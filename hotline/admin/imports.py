"""What the office's two lists, areas and categories, do alike: import a CSV
(every row it could not read is named, and nothing changes unless all rows
read) and map a typed text to an entry once. Each route module passes its own
page, writes and way back; the answers are the same for both."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..forms.areas import problem_text
from ..forms.categories import ImportForm, MapForm
from ..rules import areas as rule
from .routes import first_error


def read_upload(form: ImportForm) -> tuple[str | None, list]:
    """The uploaded file's text, or the problem that stops it being read."""
    data = form.content()
    if data is None:
        return None, [rule.Problem(0, "too_large")]
    text = rule.decode(data)
    if text is None:
        return None, [rule.Problem(0, "encoding")]
    return text, []


def worded(problems) -> list[tuple[int, str]]:
    return [(p.row, problem_text(p.code, p.params)) for p in problems]


def import_list(
    key: str, index: str, page: Callable, plan_import: Callable, apply_import: Callable, done
):
    """The import's answer: the rows it could not read (nothing changed), that the
    file matches the list, or what it added, changed and mapped."""
    form = ImportForm()
    if not form.validate():
        return page(422, {key: first_error(form)})
    text, problems = read_upload(form)
    plan = None
    if text is not None:
        plan, problems = plan_import(text)
    if problems:
        message = ngettext(
            "Nothing was imported: %(num)d row could not be read.",
            "Nothing was imported: %(num)d rows could not be read.",
            len(problems),
        )
        return page(422, {key: message}, problems=worded(problems))
    if plan.empty:
        flash(_("Nothing changed: the file matches the list."), "success")
        return redirect(url_for(index) + "#" + key, 303)
    counts = apply_import(plan, current_user)
    message = _(
        "Imported: %(added)d added, %(changed)d changed, %(aliases)d aliases; "
        "%(mapped)d records mapped.",
        **counts,
    )
    return done(message, key)


def map_typed_text(
    page: Callable, find: Callable, map_text: Callable, error: type, refused: Callable, done
):
    """A typed text now means an entry of the list: an alias, and every record's id."""
    form = MapForm()
    values = {"map-text": form.text.data, "map-target": form.target.data}
    if not form.validate():
        return page(422, {"unmapped": first_error(form)}, values=values)
    target = find(form.target.data)
    if target is None:
        message = problem_text("no_target", {"name": form.target.data})
        return page(422, {"unmapped": message}, values=values)
    try:
        count = map_text(form.text.data, target, current_user)
    except error as refusal:
        return refused(refusal, "unmapped", values)
    message = ngettext(
        "%(text)s now means %(name)s: %(num)d record mapped.",
        "%(text)s now means %(name)s: %(num)d records mapped.",
        count,
        text=form.text.data,
        name=target.name,
    )
    return done(message, "unmapped")
