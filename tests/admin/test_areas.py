"""The office keeps the areas: adds, renames (the same id, its records and
history kept, the old name still finding it), retires; imports a CSV only when
every row can be read, reporting each one that cannot; exports a file that
imports back as no change; and maps the area texts typed on air."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import Area, AreaAlias, AuditLog, Call, DeputyMessage


def upload(client, url: str, text: str, encoding: str = "utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding)), "areas.csv")}
    return client.post_form(url, data, content_type="multipart/form-data")


def snapshot(app) -> list[tuple]:
    with app.app_context():
        areas = db.session.execute(
            select(Area.id, Area.name, Area.parent_id, Area.code, Area.path, Area.active).order_by(
                Area.id
            )
        ).all()
        aliases = db.session.execute(select(AreaAlias.text, AreaAlias.area_id)).all()
        return sorted(map(tuple, areas)) + sorted(map(tuple, aliases))


def area(app, name: str) -> Area:
    with app.app_context():
        found = db.session.scalar(select(Area).where(Area.name == name))
        db.session.expunge(found)
        return found


def audited(app, action: str) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action == action))
        return [(r.target, r.detail) for r in rows]


def test_the_office_sees_the_demo_city_as_a_tree(supervisor):
    page = supervisor.get("/admin/areas").get_data(as_text=True)
    assert page.index("鄂城区") < page.index("凤凰街道") < page.index("寒溪社区")
    assert "凤凰街道办" in page  # an alias, beside its area
    assert 'href="/admin/areas.csv"' in page


def test_a_new_area_under_a_parent_and_a_rename_keep_ids_and_history(app, supervisor):
    street = area(app, "凤凰街道")
    added = supervisor.post_form("/admin/areas", {"name": "新村社区", "parent": "凤凰街道"})
    assert added.status_code == 303
    new = area(app, "新村社区")
    assert new.parent_id == street.id and new.level == "community"
    assert new.path == f"{street.path}{new.id}/"

    with app.app_context():
        before = db.session.scalar(select(func.count()).where(Call.area_id == street.id))
    renamed = supervisor.post_form(f"/admin/areas/{street.id}", {"name": "凤凰街道（新）"})
    assert renamed.status_code == 303
    with app.app_context():
        kept = db.session.get(Area, street.id)
        assert kept.name == "凤凰街道（新）" and kept.path == street.path
        assert db.session.scalar(select(func.count()).where(Call.area_id == street.id)) == before
        assert before > 0
        # The old name still finds it when typed.
        assert db.session.scalar(select(AreaAlias.area_id).where(AreaAlias.text == "凤凰街道"))
    assert audited(app, audit.AREA_CHANGED) == [
        ("凤凰街道（新）", {"name": ["凤凰街道", "凤凰街道（新）"]})
    ]


def test_a_name_taken_under_the_same_parent_is_refused(app, supervisor):
    refused = supervisor.post_form("/admin/areas", {"name": "凤凰 街道", "parent": "鄂城区"})
    assert refused.status_code == 422
    assert "同一位置已有名为“凤凰街道”的一项" in refused.get_data(as_text=True)
    unknown = supervisor.post_form("/admin/areas", {"name": "某村", "parent": "不存在的镇"})
    assert unknown.status_code == 422 and "不在清单中" in unknown.get_data(as_text=True)


def test_a_retired_area_leaves_the_picker_and_keeps_its_records(app, supervisor, client):
    street = area(app, "古楼街道")
    assert "古楼街道" in client.get("/areas/options?area=古楼").get_data(as_text=True)
    supervisor.post_form(f"/admin/areas/{street.id}/active", {"active": "0"})
    assert "古楼街道" not in client.get("/areas/options?area=古楼").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Call.area_id == street.id)) > 0
    assert audited(app, audit.AREA_RETIRED) == [("古楼街道", {})]


def test_the_export_imports_back_as_no_change(app, supervisor):
    before = snapshot(app)
    exported = supervisor.get("/admin/areas.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["code", "path", "active", "aliases"]
    assert ["420704", "鄂城区", "1", ""] in rows
    assert any(r[1] == "鄂城区/凤凰街道" and "凤凰街道办" in r[3] for r in rows)

    again = upload(supervisor, "/admin/areas/import", text)
    assert again.status_code == 303
    assert "没有变化" in supervisor.get(again.headers["Location"]).get_data(as_text=True)
    assert snapshot(app) == before
    assert audited(app, audit.AREAS_IMPORTED) == []
    # The same file saved by Excel as GB18030 reads the same.
    assert upload(supervisor, "/admin/areas/import", text, "gb18030").status_code == 303
    assert snapshot(app) == before


def test_an_import_with_bad_rows_reports_each_and_changes_nothing(app, supervisor):
    before = snapshot(app)
    text = (
        "code,path,active,aliases\n"
        ",鄂城区/新港街道,1,\n"  # 2: fine on its own
        ",鄂城区/泽林镇/某村/某组,1,\n"  # 3: too deep
        ",不存在区/某街道,1,\n"  # 4: no such parent
        ",鄂城区/西山街道,也许,\n"  # 5: active unreadable
        ",鄂城区/凤凰街道,1,\n"  # 6: fine
        ",鄂城区/凤凰街道,1,\n"  # 7: the same area again
    )
    response = upload(supervisor, "/admin/areas/import", text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "未导入任何内容：有 4 行无法读取" in html
    for row in (3, 4, 5, 7):
        assert f"<tr><td>{row}</td>" in html, row
    assert "<tr><td>2</td>" not in html and "<tr><td>6</td>" not in html
    assert snapshot(app) == before


def test_an_import_adds_renames_by_code_and_maps_waiting_texts(app, supervisor, moderator):
    with app.app_context():
        call = db.session.scalar(select(Call).limit(1))
        call.area, call.area_id = "新港街道", None
        db.session.commit()
        call_id = call.id
    district = area(app, "鄂城区")
    text = "code,path,active,aliases\n420704,鄂州市鄂城区,1,鄂城\n,鄂州市鄂城区/新港街道,1,\n"
    response = upload(supervisor, "/admin/areas/import", text)
    assert response.status_code == 303
    with app.app_context():
        renamed = db.session.get(Area, district.id)
        assert renamed.name == "鄂州市鄂城区" and renamed.code == "420704"
        new = db.session.scalar(select(Area).where(Area.name == "新港街道"))
        assert new.parent_id == district.id and new.path.startswith(district.path)
        # The text typed before the area existed now names it; the text is unchanged.
        mapped = db.session.get(Call, call_id)
        assert (mapped.area, mapped.area_id) == ("新港街道", new.id)
    [(target, detail)] = audited(app, audit.AREAS_IMPORTED)
    assert detail == {"added": 1, "changed": 1, "aliases": 1}


def test_unmapped_texts_are_listed_with_counts_and_mapped_once(app, supervisor, client):
    with app.app_context():
        calls = db.session.scalars(select(Call).order_by(Call.id).limit(3)).all()
        for c in calls:
            c.area, c.area_id = "凤凰老街", None
        calls[2].area = "凤凰老街 "  # the same text, typed with a blank
        db.session.add(DeputyMessage(deputy_id=1, text="路灯坏了", area="凤凰老街"))
        db.session.commit()
        ids = [c.id for c in calls]
    page = supervisor.get("/admin/areas").get_data(as_text=True)
    assert "不在清单中的填写区域 (1)" in page
    assert "<td>凤凰老街</td><td>3</td><td>1</td>" in page

    street = area(app, "凤凰街道")
    mapped = supervisor.post_form("/admin/areas/map", {"text": "凤凰老街", "target": "凤凰街道"})
    assert mapped.status_code == 303
    assert "已归入 4 条记录" in supervisor.get(mapped.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        for call_id in ids:
            assert db.session.get(Call, call_id).area_id == street.id
        assert db.session.get(Call, ids[2]).area == "凤凰老街 "  # the text as typed
        message = db.session.scalar(select(DeputyMessage).where(DeputyMessage.area == "凤凰老街"))
        assert message.area_id == street.id
    assert audited(app, audit.AREA_MAPPED) == [
        ("凤凰老街", {"area": "凤凰街道", "area_id": street.id, "records": 4})
    ]
    assert "不在清单中的填写区域 (0)" in supervisor.get("/admin/areas").get_data(as_text=True)
    # An alias is never offered to the public: it may be what someone typed.
    assert "凤凰老街" not in client.get("/areas/options?area=凤凰").get_data(as_text=True)


def test_only_the_office_manages_areas(client, moderator):
    assert moderator.get("/admin/areas").status_code in (403, 404)
    assert client.get("/admin/areas.csv").status_code in (302, 401, 403)
    refused = moderator.post_form("/admin/areas", {"name": "某村", "parent": "凤凰街道"})
    assert refused.status_code in (403, 404)
