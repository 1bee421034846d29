"""Who answers for what: the department scorecards and the deputies' pages."""

from __future__ import annotations

from flask import abort, render_template

from ..clock import today
from ..extensions import db
from ..models import Deputy
from ..queries.deputies import carried_record, public_messages
from ..queries.scorecards import min_sample, scorecards
from ..queries.shows import calls_of_deputy, deputies_with_call_counts
from . import bp


@bp.route("/departments")
def departments():
    return render_template(
        "public/departments.html", cards=scorecards(today()), min_sample=min_sample()
    )


@bp.route("/deputies")
def deputies():
    return render_template("public/deputies.html", rows=deputies_with_call_counts())


@bp.route("/deputies/<int:deputy_id>")
def deputy(deputy_id: int):
    person = db.session.get(Deputy, deputy_id)
    if person is None:
        abort(404)
    return render_template(
        "public/deputy.html",
        deputy=person,
        calls=calls_of_deputy(deputy_id),
        record=carried_record(deputy_id, today()),
        min_sample=min_sample(),
        answered=public_messages(deputy_id),
    )
