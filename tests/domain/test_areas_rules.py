"""The pure part of the office's lists (rules/areas.py, rules/categories.py):
how a typed text is compared, and a CSV read, checked whole and planned
against the list the office has, with every row it cannot read reported."""

from __future__ import annotations

from hotline.rules import areas as rule
from hotline.rules import categories as category_rule


def test_typed_texts_compare_as_people_mean_them():
    assert rule.clean("  凤凰\u3000街道 ") == "凤凰街道"
    assert rule.clean("凤凰 \u200b街道") == "凤凰街道"
    assert rule.clean("Phoenix   Street") == "Phoenix Street"
    assert rule.key("ＡＢＣ社区") == rule.key("abc社区") == "abc社区"
    assert rule.split_qualified("新村社区（凤凰街道）") == ("新村社区", "凤凰街道")
    assert rule.split_qualified("新村社区(凤凰街道)") == ("新村社区", "凤凰街道")
    assert rule.split_qualified("凤凰街道") is None


def test_a_file_in_excel_s_chinese_encoding_is_read():
    text = "code,path,active,aliases\n,鄂城区,1,\n"
    assert rule.decode(text.encode("gb18030")) == text
    assert rule.decode(("\ufeff" + text).encode("utf-8")) == text
    assert rule.decode(b"\xff\xfe\x00bad") is None


def test_every_row_that_cannot_be_read_is_reported_with_its_number():
    text = (
        "code,path,active,aliases\n"
        ",鄂城区,1,\n"  # 2: fine
        ",,1,\n"  # 3: no path
        ",鄂城区//社区,1,\n"  # 4: an empty name
        ",a/b/c/d,1,\n"  # 5: too deep
        "1 2,鄂城区/x,1,\n"  # 6: a bad code
        ",鄂城区/凤凰街道,maybe,\n"  # 7: active unreadable
        ",鄂城区/古楼街道,1,,extra\n"  # 8: too many cells
        ",鄂城区/西山\u202e街道,1,\n"  # 9: a control character
    )
    rows, problems = rule.parse_areas(text)
    assert [r.names for r in rows] == [("鄂城区",)]
    assert [(p.row, p.code) for p in problems] == [
        (3, "no_path"),
        (4, "empty_name"),
        (5, "too_deep"),
        (6, "code"),
        (7, "active"),
        (8, "columns"),
        (9, "character"),
    ]


def test_a_file_without_the_path_column_is_refused_as_a_whole():
    _rows, problems = rule.parse_areas("code,name\n1,鄂城区\n")
    assert [(p.row, p.code, p.params) for p in problems] == [
        (1, "missing_columns", {"columns": "path"})
    ]


EXISTING = [
    rule.Node(1, "鄂城区", None, "420704"),
    rule.Node(2, "凤凰街道", 1),
    rule.Node(3, "寒溪社区", 2),
]


def plan(text: str, existing=EXISTING, owners=None):
    rows, problems = rule.parse_areas(text)
    assert problems == []
    return rule.plan_areas(rows, existing, owners or {})


def test_rows_match_by_code_else_by_parent_and_name():
    text = (
        "code,path,active,aliases\n"
        ",鄂州市鄂城区/凤凰街道/寒溪社区,1,\n"  # before its parents: read after them
        "420704,鄂州市鄂城区,1,\n"  # matched by its code: renamed
        ",鄂州市鄂城区/凤凰街道,0,凤凰街道办\n"  # by parent and name: retired, an alias
        ",鄂州市鄂城区/古楼街道,1,\n"  # new
        ",鄂州市鄂城区/古楼街道/观音阁社区,1,\n"  # new, under the new street
    )
    changes, problems = plan(text)
    assert problems == []
    assert changes.updates == {
        1: {"name": ["鄂城区", "鄂州市鄂城区"]},
        2: {"active": [True, False]},
    }
    assert [(n.name, n.parent_id) for n in changes.creates] == [
        ("古楼街道", 1),
        ("观音阁社区", -5),
    ]
    assert changes.aliases == [(2, "凤凰街道办")]


def test_the_exported_file_plans_no_change():
    nodes = [*EXISTING, rule.Node(4, "梁子湖区", None, "420702", active=False)]
    lines = ["code,path,active,aliases"]
    owners = {"凤凰街道办": 2}
    for node, names in rule.tree_order(nodes):
        aliases = [text for text, owner in owners.items() if owner == node.id]
        lines.append(
            f"{node.code or ''},{'/'.join(names)},{int(node.active)},{rule.alias_cell(aliases)}"
        )
    changes, problems = plan("\n".join(lines) + "\n", nodes, owners)
    assert problems == [] and changes.empty


def test_rows_that_cannot_apply_are_all_reported():
    text = (
        "code,path,active,aliases\n"
        ",鄂城区/泽林镇/某村,1,\n"  # 2: the parent is nowhere
        ",鄂城区/凤凰街道,1,\n"  # 3: fine
        ",鄂城区/凤凰街道,1,\n"  # 4: the same area twice
        "420704,华容区/鄂城区,1,\n"  # 5: a district cannot become a street
        ",鄂城区/古楼街道,1,凤凰街道办\n"  # 6: the alias means another area
    )
    _changes, problems = plan(text, owners={"凤凰街道办": 2})
    assert sorted((p.row, p.code) for p in problems) == [
        (2, "no_parent"),
        (4, "twice"),
        (5, "no_parent"),
        (6, "alias_taken"),
    ]
    _changes, problems = plan(
        "code,path,active,aliases\n420704,梁子湖区/鄂城区,1,\n",
        [*EXISTING, rule.Node(9, "梁子湖区", None)],
    )
    assert [(p.row, p.code) for p in problems] == [(2, "level")]


def test_categories_plan_by_name_with_departments_by_name():
    text = (
        "name,department,hint,active,aliases\n"
        "城市管理,市城市管理执法局,路灯、垃圾,1,城管\n"
        "住房城建,市住建局,,1,\n"  # no such department
        "交通出行,,,2,\n"  # active unreadable
        "环境,,,1,\n"  # already an alias of another
    )
    rows, problems = category_rule.parse_categories(text)
    assert [(p.row, p.code) for p in problems] == [(4, "active")]
    existing = [category_rule.Entry(1, "城市管理", None, "", True)]
    changes, more = category_rule.plan_categories(
        rows, existing, {"市城市管理执法局": 3}, {"环境": 7}
    )
    assert sorted((p.row, p.code) for p in more) == [(3, "no_department"), (5, "alias_taken")]
    assert changes.updates == {1: {"department_id": [None, 3], "hint": ["", "路灯、垃圾"]}}
    assert changes.aliases == [(1, "城管")]
