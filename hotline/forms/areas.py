"""The office's area forms: a new area under a parent, a rename or a code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..rules import areas as rule
from .admin import AdminForm
from .staff import CleanText, normalised


def _name():
    return StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Give the area's name.")),
            Length(max=rule.MAX_NAME, message=_l("At most %(max)d characters.", max=rule.MAX_NAME)),
            Regexp(r"^[^/]*$", message=_l("A name cannot hold a slash (/).")),
            CleanText(),
        ],
        filters=[normalised()],
    )


def _code():
    return StringField(
        _l("Statistical division code (统计用区划代码)"),
        validators=[
            Optional(),
            Regexp(rule.CODE, message=_l("A code is letters, digits and dashes, at most 20.")),
        ],
        filters=[normalised()],
    )


class AreaForm(AdminForm):
    name = _name()
    code = _code()
    # The parent, as its name (or name（parent）) is typed; blank for a district.
    parent = StringField(
        _l("Within (blank for a district)"),
        validators=[Optional(), Length(max=210), CleanText()],
        filters=[normalised()],
    )


class AreaChangeForm(AdminForm):
    name = _name()
    code = _code()


def problem_text(code: str, params: dict) -> str:
    """What is wrong with an import's row (rules/areas.Problem) or a change the
    office asked for (changes' AreaError, CategoryError), in words."""
    words = {
        "unreadable": _l("The file is not readable as CSV: %(reason)s"),
        "encoding": _l("The file is neither UTF-8 nor GB18030 text."),
        "too_large": _l("The file is larger than 2 MB."),
        "no_header": _l("The first row must name the columns: %(columns)s."),
        "missing_columns": _l("The first row lacks the columns: %(columns)s."),
        "too_many": _l("The file has more than %(most)d rows."),
        "columns": _l("More cells than the %(most)d columns."),
        "character": _l("An invisible or control character %(char)s."),
        "alias_long": _l("The alias %(alias)s… is longer than %(most)d characters."),
        "no_path": _l("No path: give the area's names from the district down, split by /."),
        "empty_name": _l("An empty name in the path %(path)s."),
        "too_deep": _l("Areas go three levels deep at most: district, street or town, community."),
        "name_long": _l("A name is longer than %(most)d characters."),
        "code": _l("The code %(code)s is not letters, digits and dashes (at most %(most)d)."),
        "code_taken": _l("Another area has the code %(code)s."),
        "active": _l("The active cell “%(value)s” is neither 1 nor 0."),
        "no_parent": _l("%(path)s is neither on the list nor earlier in the file."),
        "twice": _l("The same area or category as row %(other)d."),
        "level": _l("This area is a %(level)s: its level cannot change."),
        "taken": _l("Another one is already named %(name)s there."),
        "alias_taken": _l("%(alias)s already means another one."),
        "no_name": _l("No name."),
        "hint_long": _l("The hint is longer than %(most)d characters."),
        "no_department": _l("There is no department named %(name)s."),
        "no_text": _l("Nothing was typed."),
        "no_target": _l("%(name)s is not on the list: add it first, or type its name as listed."),
    }
    levels = {
        "district": _l("district"),
        "street": _l("street or town"),
        "community": _l("community or village"),
    }
    if "level" in params:
        params = {**params, "level": levels.get(params["level"], params["level"])}
    template = words.get(code)
    return str(template) % params if template is not None else code
