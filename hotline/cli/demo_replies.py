"""The demo's response templates (models/replies.py), as a standing committee
office would write them: the usual words of each action for every category,
and a few for one category. One is retired, so the office's page shows one.

The categories named here are found by their name or an alias (the office's
list, models/categories.py) and made only when the list has none of them."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Category, Department, Reply, User
from ..queries.replies import category_for_text

# (action, category typed on the demo's calls or None for all, title, text, active)
REPLIES = [
    (
        "progress",
        None,
        "已现场查看",
        "{部门}已于{日期}派员到{地点}现场查看，问题已登记，正在制定整改方案，将在{时限}前办结。",
        True,
    ),
    (
        "progress",
        None,
        "施工推进中",
        "{部门}正在{地点}组织施工，目前已完成约一半工程量，将按期办结。",
        True,
    ),
    (
        "extension",
        None,
        "需多部门协调",
        "该事项涉及多个部门协调及资金审批，{部门}已完成前期查勘，需延期办理。"
        "延期期间每两周在此更新一次进展。",
        True,
    ),
    (
        "completion",
        None,
        "已整改完毕",
        "{部门}已于{日期}完成{地点}的整改，并邀请社区和反映群众现场查看，请予核验。",
        True,
    ),
    (
        "verify",
        None,
        "现场核验属实",
        "人大常委会办公室于{日期}会同社区到{地点}现场核验，整改情况属实。",
        True,
    ),
    (
        "withdraw",
        None,
        "与原事项重复",
        "该事项与此前已受理的事项为同一问题，已并入原事项办理，本条撤回。",
        True,
    ),
    (
        "answer",
        None,
        "本周上门查看",
        "感谢您的反映。{部门}将于本周内安排专人到{地点}查看，三个工作日内给您答复。",
        True,
    ),
    (
        "progress",
        "住房",
        "管网检测维修",
        "{部门}已联系供水公司对{地点}老旧管网进行检测，漏点已定位，正在组织维修。",
        True,
    ),
    (
        "progress",
        "城管",
        "路灯检修",
        "{部门}已于{日期}安排路灯维修班组到{地点}检修，更换损坏灯具。",
        True,
    ),
    ("progress", None, "已转交（旧）", "此事已转交{部门}办理。", False),
]
# The categories the templates name, with the department each routes to.
CATEGORIES = {"住房": "市住房和城乡建设局", "城管": "市城市管理执法局"}


def _category(name: str) -> int:
    found = category_for_text(name)
    if found is not None:
        return found
    department_id = db.session.scalar(
        select(Department.id).where(Department.name == CATEGORIES[name])
    )
    row = Category(name=name, department_id=department_id)
    db.session.add(row)
    db.session.flush()
    return row.id


def load(office: User) -> None:
    for action, category, title, text, active in REPLIES:
        db.session.add(
            Reply(
                action=action,
                category_id=_category(category) if category else None,
                title=title,
                text=text,
                active=active,
                updated_by_id=office.id,
            )
        )
