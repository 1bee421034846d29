"""The office's categories and areas, made directly in the database for the
filter and hot-spot tests, and the demo's calls given their ids (the typed
text stays; mapping it is another feature's work).

    鄂城区 (district)
      凤凰街道 (street)      ← the demo's calls typed "凤凰街道"
        凤凰社区 (community) ← the first of them, moved down a level
      古楼街道 (street)      ← "古楼街道"
    华容区 (district)        ← "华容区"
    梁子湖区 (district, retired)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select, update

from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import Area, Call, Category, Commitment, DeputyMessage, Show

CATEGORIES = ("住房", "城管", "交通", "水利", "环境")


@dataclass
class Places:
    district: int  # 鄂城区
    fenghuang: int  # 凤凰街道, a street of it
    community: int  # 凤凰社区, in 凤凰街道
    gulou: int  # 古楼街道, another street of it
    huarong: int  # 华容区, another district
    retired: int  # 梁子湖区, retired
    categories: dict[str, int]


def add_area(name: str, level: str, parent: Area | None = None, active: bool = True) -> Area:
    area = Area(name=name, level=level, parent_id=parent.id if parent else None, active=active)
    db.session.add(area)
    db.session.flush()
    area.path = (parent.path if parent else "/") + f"{area.id}/"
    return area


def seed_places(app, *, map_calls: bool = True) -> Places:
    with app.app_context():
        # The demo's own lists (cli/seed_*.csv) step aside: retired, and no record
        # carries their ids, so the lists below are all the filters offer.
        db.session.execute(update(Area).values(active=False))
        db.session.execute(update(Category).values(active=False))
        db.session.execute(update(Call).values(area_id=None, category_id=None))
        db.session.execute(update(DeputyMessage).values(area_id=None, category_id=None))
        district = add_area("鄂城区", "district")
        fenghuang = add_area("凤凰街道", "street", district)
        community = add_area("凤凰社区", "community", fenghuang)
        gulou = add_area("古楼街道", "street", district)
        huarong = add_area("华容区", "district")
        retired = add_area("梁子湖区", "district", active=False)
        categories = {}
        for name in CATEGORIES:
            category = Category(name=name)
            db.session.add(category)
            db.session.flush()
            categories[name] = category.id
        if map_calls:
            by_text = {"凤凰街道": fenghuang, "古楼街道": gulou, "华容区": huarong}
            calls = db.session.scalars(select(Call).order_by(Call.id)).all()
            first_fenghuang = True
            for call in calls:
                area = by_text.get(call.area)
                if area is fenghuang and first_fenghuang:
                    area, first_fenghuang = community, False
                call.area_id = area.id if area else None
                call.category_id = categories.get(call.category)
        db.session.commit()
        return Places(
            district.id, fenghuang.id, community.id, gulou.id, huarong.id, retired.id, categories
        )


def add_items(app, n: int, *, start: int, area: int, category: int) -> None:
    """n calls of the first show in the area and the category, each with an
    open board item, inserted in two statements."""
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).order_by(Show.id).limit(1))
        today = local_today()
        db.session.execute(
            insert(Call),
            [
                {"show_id": show_id, "number": start + i, "topic": f"topic {i}",
                 "department_id": 1 + i % 4, "outcome": "committed",
                 "area_id": area, "category_id": category}
                for i in range(n)
            ],
        )  # fmt: skip
        ids = db.session.scalars(
            select(Call.id).where(Call.number >= start, Call.number < start + n)
        ).all()
        db.session.execute(
            insert(Commitment),
            [
                {"call_id": call_id, "department_id": 1 + i % 4, "pledge": f"pledge {i}",
                 "official_name": "official", "state": "open",
                 "deadline": today + timedelta(days=i % 40 - 20),
                 "original_deadline": today + timedelta(days=i % 40 - 20)}
                for i, call_id in enumerate(ids)
            ],
        )  # fmt: skip
        db.session.commit()
