"""The office keeps the categories: each routes a call to its department by
default; a change or a retirement never touches a past call; the CSV import
changes nothing unless every row reads, the export reads back as no change;
and the category texts typed on air are mapped once."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, Call, Category, CategoryAlias


def upload(client, text: str):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "categories.csv")}
    return client.post_form("/admin/categories/import", data, content_type="multipart/form-data")


def category(app, name: str) -> Category:
    with app.app_context():
        found = db.session.scalar(select(Category).where(Category.name == name))
        db.session.expunge(found)
        return found


def snapshot(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                Category.id, Category.name, Category.department_id, Category.hint, Category.active
            )
        ).all()
        aliases = db.session.execute(select(CategoryAlias.text, CategoryAlias.category_id)).all()
        return sorted(map(tuple, rows)) + sorted(map(tuple, aliases))


def calls_with(app, category_id: int) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Call.id, Call.category, Call.department_id)
            .where(Call.category_id == category_id)
            .order_by(Call.id)
        ).all()


def test_the_office_adds_and_changes_a_category(app, supervisor):
    page = supervisor.get("/admin/categories").get_data(as_text=True)
    assert "城市管理" in page and "城管" in page  # the demo's list, with its aliases
    added = supervisor.post_form(
        "/admin/categories", {"name": "教育", "department": "", "hint": "学校、幼儿园"}
    )
    assert added.status_code == 303
    item = category(app, "教育")
    assert (item.department_id, item.hint, item.active) == (None, "学校、幼儿园", True)
    taken = supervisor.post_form("/admin/categories", {"name": "城管"})  # an alias already
    assert taken.status_code == 422 and "已对应另一项" in taken.get_data(as_text=True)
    with app.app_context():
        details = [
            (r.action, r.target)
            for r in db.session.scalars(select(AuditLog).where(AuditLog.action.like("category%")))
        ]
    assert details == [(audit.CATEGORY_CREATED, "教育")]


def test_rerouting_or_retiring_never_changes_a_past_call(app, supervisor):
    item = category(app, "城市管理")
    before = calls_with(app, item.id)
    assert before and all(department == 3 for _id, _text, department in before)
    changed = supervisor.post_form(
        f"/admin/categories/{item.id}", {"name": "城市管理", "department": "1", "hint": ""}
    )
    assert changed.status_code == 303
    retired = supervisor.post_form(f"/admin/categories/{item.id}/active", {"active": "0"})
    assert retired.status_code == 303
    assert calls_with(app, item.id) == before
    assert category(app, "城市管理").active is False


def test_the_export_imports_back_as_no_change(app, supervisor):
    before = snapshot(app)
    exported = supervisor.get("/admin/categories.csv")
    text = exported.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "department", "hint", "active", "aliases"]
    assert any(r[0] == "城市管理" and r[1] == "市城市管理执法局" and "城管" in r[4] for r in rows)
    again = upload(supervisor, text)
    assert again.status_code == 303
    assert snapshot(app) == before


def test_an_import_with_bad_rows_reports_each_and_changes_nothing(app, supervisor):
    before = snapshot(app)
    text = (
        "name,department,hint,active,aliases\n"
        "教育,市教育局,,1,\n"  # 2: no such department
        "卫生健康,,,1,\n"  # 3: fine
        ",,,1,\n"  # 4: no name
        "城市管理,,,停,\n"  # 5: active unreadable
        "城管,,,1,\n"  # 6: an alias of another
    )
    response = upload(supervisor, text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "有 4 行无法读取" in html and "没有名为“市教育局”的职能部门" in html
    assert snapshot(app) == before


def test_a_typed_category_is_mapped_once_with_an_alias(app, supervisor):
    with app.app_context():
        calls = db.session.scalars(select(Call).order_by(Call.id).limit(2)).all()
        for c in calls:
            c.category, c.category_id = "市容", None
        db.session.commit()
        ids = [(c.id, c.department_id) for c in calls]
    page = supervisor.get("/admin/categories").get_data(as_text=True)
    assert "<td>市容</td><td>2</td>" in page
    item = category(app, "城市管理")
    mapped = supervisor.post_form("/admin/categories/map", {"text": "市容", "target": "城市管理"})
    assert mapped.status_code == 303
    with app.app_context():
        for call_id, department in ids:
            call = db.session.get(Call, call_id)
            # The id is set; the text and the department stay as they were.
            assert (call.category_id, call.category, call.department_id) == (
                item.id,
                "市容",
                department,
            )
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == audit.CATEGORY_MAPPED))
        assert row.target == "市容" and row.detail["records"] == 2
