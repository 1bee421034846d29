"""Demo data that looks like a real year of 代表专线, dated relative to today so
every public status appears: met on time, after extension, late, overdue,
awaiting verification, answered on air, referred, withdrawn."""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..changes import categories, factors, topics
from ..changes.calls import record as record_call
from ..changes.commitments import add_event, create_referral
from ..extensions import db
from ..models import (
    Call,
    CallerContact,
    Commitment,
    Department,
    Deputy,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    FactorKind,
    Outcome,
    Question,
    Role,
    SecondFactor,
    Show,
    ShowKind,
    ShowStatus,
    TopicSupport,
    User,
)
from ..rules.pledges import TERMS
from ..rules.status import State
from . import demo_lists, demo_replies
from .demo_pledges import pledge_for

DEMO_PASSWORD = "hotline-demo"

DEPARTMENTS = [
    "市住房和城乡建设局",
    "市交通运输局",
    "市城市管理执法局",
    "市水利和湖泊局",
    "市生态环境局",
]

DEPUTIES = [
    ("王建国", "市人大代表，凤凰街道社区党委书记"),
    ("李秀兰", "市人大代表，市中心医院护士长"),
    ("张志强", "市人大代表，某建筑公司项目经理"),
    ("刘芳", "市人大代表，古楼街道居民"),
    ("陈明", "市人大代表，律师"),
    ("杨丽华", "市人大代表，小学校长"),
    ("赵刚", "市人大代表，公交集团驾驶员"),
    ("黄晓燕", "市人大代表，个体工商户"),
    ("周涛", "市人大代表，农业合作社负责人"),
    ("吴敏", "市人大代表，社区工作者"),
    ("徐伟", "市人大代表，企业工程师"),
    ("孙静", "市人大代表，环保志愿者"),
]

# (username, display name, role, department index or None)
STAFF = [
    ("office", "人大常委会办公室 李主任", Role.SUPERVISOR, None),
    ("host", "导播 陈晨", Role.MODERATOR, None),
    ("housing", "住建局联络员 王磊", Role.LIAISON, 0),
    ("transport", "交通局联络员 刘洋", Role.LIAISON, 1),
    ("citymgmt", "城管局联络员 赵敏", Role.LIAISON, 2),
    ("water", "水利湖泊局联络员 孙磊", Role.LIAISON, 3),
]

AREAS = ["凤凰街道", "古楼街道", "西山街道", "泽林镇", "葛店开发区", "华容区", "梁子湖区"]

# Each call: (topic, area index, category, department index, outcome, plan)
# plan for commitments: (pledge, official, title, days to deadline from show,
#   story) where story is one of: on_time, extended_met, late, overdue,
#   reported, withdrawn, open, extended_open.
SHOWS = [
    (
        "代表专线（第170期）：老旧小区改造与出行",
        ShowKind.HOTLINE,
        -120,
        [
            ("凤凰街道某小区老旧管网漏水，楼道常年积水", 0, "住房", 0, "on_time"),
            ("古楼街道菜市场周边占道经营，早高峰拥堵", 1, "城管", 2, "answered"),
            ("公交12路末班车太早，夜班职工回家难", 2, "交通", 1, "extended_met"),
            ("小区加装电梯审批流程不清楚", 0, "住房", 0, "answered"),
            ("洋澜湖沿岸部分护栏损坏，存在安全隐患", 3, "水利", 3, "late"),
            ("某路段路灯连续一周不亮", 1, "城管", 2, "on_time"),
            ("学校门口缺少人行横道和信号灯", 2, "交通", 1, "referred"),
            ("雨后小区地下车库倒灌", 0, "住房", 0, "withdrawn"),
            ("老旧小区二次供水水压不足", 0, "住房", 0, "on_time"),
            ("共享单车乱停放堵塞盲道", 1, "城管", 2, "answered"),
        ],
    ),
    (
        "代表来了：凤凰街道现场接访",
        ShowKind.ONSITE,
        -45,
        [
            ("社区菜市场排水沟堵塞，夏天气味难闻", 0, "城管", 2, "overdue"),
            ("城郊公交站台没有遮雨棚", 4, "交通", 1, "reported"),
            ("滨湖步道夜间照明不足", 3, "水利", 3, "extended_open"),
            ("小区物业维修基金使用不透明", 0, "住房", 0, "answered"),
            ("建筑工地夜间施工噪音扰民", 1, "城管", 2, "referred"),
            ("某路口红绿灯时长不合理", 2, "交通", 1, "on_time"),
            ("河道沿线垃圾清理不及时", 3, "水利", 3, "overdue"),
            ("老旧小区楼顶防水层老化漏雨", 0, "住房", 0, "answered"),
            ("菜市场周边停车位不足", 1, "交通", 1, "reported"),
            ("社区健身器材损坏无人维修", 0, "城管", 2, "open"),
        ],
    ),
    (
        "代表专线（第172期）：城市治理与生态环境",
        ShowKind.HOTLINE,
        -12,
        [
            ("湖边餐馆油烟直排，附近居民开不了窗", 3, "环境", 4, "open"),
            ("快递车辆在小区内横冲直撞", 0, "交通", 1, "open"),
            ("雨污分流改造后路面一直没有恢复", 1, "住房", 0, "open"),
            ("背街小巷垃圾桶满溢", 2, "城管", 2, "answered"),
            ("池塘填埋后周边排水不畅", 5, "水利", 3, "open"),
            ("新建小区周边缺少公交线路", 6, "交通", 1, "referred"),
            ("公园公厕长期关闭", 1, "城管", 2, "answered"),
            ("城中村违建影响消防通道", 2, "城管", 2, "open"),
            ("小区电动车充电桩不够", 0, "住房", 0, "answered"),
            ("道路施工围挡占用人行道", 1, "交通", 1, "pending"),
            ("湖区禁渔期仍有人电鱼", 3, "水利", 3, "pending"),
        ],
    ),
]

OFFICIALS = [
    ("周建华", "局长"),
    ("吴海涛", "副局长"),
    ("郑伟", "支队长"),
    ("冯志勇", "副局长"),
    ("何静", "副局长"),
]

CALLERS = [
    ("张桂芬", "13807110001"),
    ("李德明", "13907120002"),
    ("王秀英", "15827130003"),
    ("刘建军", "18671140004"),
    ("陈玉兰", "13545150005"),
    ("杨国庆", "13026160006"),
]


def demo_totp_secret(username: str) -> str:
    """The fixed, public authenticator-app secret of a demo account (base32)."""
    return base64.b32encode(f"hotline demo {username}".encode().ljust(20)[:20]).decode()


def second_factors() -> dict[str, tuple[str, str]]:
    """{demo username: (its public secret, the otpauth:// address)} for the demo
    accounts that sign in with an authenticator app."""
    found = {}
    for username, *_rest in STAFF:
        user = db.session.scalar(select(User).where(User.username == username))
        secret = demo_totp_secret(username)
        has_it = user is not None and db.session.scalar(
            select(SecondFactor.id).where(
                SecondFactor.user_id == user.id, SecondFactor.secret == "plain:" + secret
            )
        )
        if has_it:
            found[username] = (secret, factors.provisioning_uri(user, secret))
    return found


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Department.id)))


def _at(day: date, hour: int, minute: int, tz: str) -> datetime:
    """A local time on a local day, stored as naive UTC."""
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def load(today: date, tz: str = "Asia/Shanghai") -> dict[str, str]:
    """Fill an empty database; returns {username: role} of the staff accounts made."""
    departments = [
        Department(name=name, email=f"dept{i}@hotline.example")
        for i, name in enumerate(DEPARTMENTS, start=1)
    ]
    deputies = [Deputy(name=n, title=t) for n, t in DEPUTIES]
    db.session.add_all(departments + deputies)
    db.session.flush()
    demo_lists.seed()

    users = {}
    for username, display, role, dept in STAFF:
        user = User(
            username=username,
            display_name=display,
            role=role,
            department_id=departments[dept].id if dept is not None else None,
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[username] = user
    db.session.flush()
    for user in users.values():
        if factors.required_for(user):
            # A public secret (README, `flask setup`), so kept as it is: a demo
            # account must be usable by anyone trying the site.
            secret = "plain:" + demo_totp_secret(user.username)
            db.session.add(
                SecondFactor(
                    user_id=user.id,
                    kind=FactorKind.TOTP,
                    name="演示身份验证器",
                    secret=secret,
                    confirmed_at=user.created_at,
                )
            )

    caller_no = 0
    for number, (title, kind, offset, calls) in enumerate(SHOWS):
        show_day = today + timedelta(days=offset)
        show = Show(
            title=title,
            kind=kind,
            venue="鄂州广播电视台演播厅" if kind == ShowKind.HOTLINE else "凤凰街道代表联络站",
            starts_at=_at(show_day, 9, 0, tz),
            status=ShowStatus.ENDED,
            went_live_at=_at(show_day, 9, 0, tz),
            ended_at=_at(show_day, 10, 30, tz),
            stream_url="",
        )
        show.departments = departments[:4] if number < 2 else departments
        show.deputies = deputies[number * 2 : number * 2 + 2]
        db.session.add(show)
        for n, (topic, area, category, dept, story) in enumerate(calls, start=1):
            received = _at(show_day, 9, 0, tz) + timedelta(minutes=5 + n * 7)
            call = Call(
                show=show,
                number=n,
                received_at=received,
                air_offset=int((received - show.went_live_at).total_seconds()),
                topic=topic,
                area=AREAS[area],
                category=category,
                department_id=departments[dept].id,
                deputy_id=show.deputies[n % 2].id,
                created_by_id=users["host"].id,
            )
            db.session.add(call)
            categories.classify(call)  # its category's and area's ids, from the lists
            record_call(call, "logged", users["host"], {"number": n})
            name, phone = CALLERS[caller_no % len(CALLERS)]
            caller_no += 1
            db.session.add(CallerContact(call=call, name=name, phone=phone, callback=n % 3 == 0))
            official = OFFICIALS[dept]
            if story == "answered":
                call.outcome = Outcome.ANSWERED
                call.answer_text = (
                    f"{official[0]}{official[1]}现场答复：已安排专人负责，本周内上门查看并回复。"
                )
                call.answered_by = f"{DEPARTMENTS[dept]}{official[1]} {official[0]}"
                call.placard_satisfied, call.placard_basic, call.placard_dissatisfied = 18, 4, 1
                record_call(call, "answered", users["host"], {"answered_by": call.answered_by})
            elif story == "referred":
                call.outcome = Outcome.REFERRED
                call.answer_text = "情况需现场核实，转线下核实后答复。"
                _referral(call, departments[dept], show_day, today, users)
            elif story == "pending":
                call.outcome = Outcome.PENDING
            else:
                call.outcome = Outcome.COMMITTED
                _commitment(call, departments[dept], official, story, show_day, today, tz, users)
                # Placards vary from call to call, as they do in the studio.
                call.placard_satisfied = 8 + (n * 5) % 11
                call.placard_basic = 4 + (n * 3) % 7
                call.placard_dissatisfied = (n * 7) % 6

    # The next show, scheduled, with questions waiting for the moderator.
    upcoming_day = today + timedelta(days=9)
    upcoming = Show(
        title="代表专线（第173期）：冬季供暖与道路安全",
        kind=ShowKind.HOTLINE,
        venue="鄂州广播电视台演播厅",
        starts_at=_at(upcoming_day, 9, 0, tz),
        status=ShowStatus.SCHEDULED,
        stream_url="",
    )
    upcoming.departments = departments[:3]
    upcoming.deputies = deputies[6:8]
    db.session.add(upcoming)
    db.session.add(
        Question(
            show=upcoming,
            text="冬季小区供暖温度不达标，向谁反映？",
            area="古楼街道",
            name="钱晓东",
            phone="13611170007",
        )
    )
    # 上次承诺: the same problem as an overdue commitment of the on-site show
    # (社区菜市场排水沟堵塞), in new words. Typed on the desk's call form once
    # the show is live ("菜市场排水沟又堵了", 凤凰街道), the radar finds it.
    db.session.add(
        Question(
            show=upcoming,
            text="菜市场排水沟又堵了，一下雨污水就漫到路上",
            area="凤凰街道",
            name="孙丽",
            phone="13611170008",
        )
    )
    _topics(upcoming, users)
    demo_replies.load(users["office"])
    db.session.commit()
    return {u.username: u.role for u in users.values()}


def _topics(show: Show, users: dict[str, User]) -> None:
    """Topics collected with voters for the next show (走访选民定议题): the
    office's, citizens' (published, and one waiting for moderation), some
    support, and two on the agenda."""
    db.session.flush()
    host = users["host"]
    topics.open_collection(show, host)
    made = [topics.add(show, actor=host, text="老旧小区冬季供暖温度不达标", area=AREAS[1])]
    for text, area in (
        ("学校门口上下学时段交通拥堵", AREAS[0]),
        ("背街小巷路灯不亮，夜间出行不安全", AREAS[2]),
    ):
        topic, _new = topics.propose(show, text=text, area=area)
        db.session.flush()
        topics.publish(topic, actor=host, text=text, area=area)
        made.append(topic)
    topics.propose(show, text="农贸市场周边占道经营", area=AREAS[3])
    db.session.flush()
    for topic, n in zip(made, (12, 7, 9), strict=True):
        for i in range(n):  # stand-ins for the hashed browser ids of real supporters
            key = f"{topic.id:04d}{i:060d}"
            db.session.add(TopicSupport(topic_id=topic.id, browser_key=key, address_key=key))
    for topic in (made[0], made[2]):
        topics.choose(topic, actor=host)
        db.session.flush()


def _referral(call, department, show_day, today, users) -> None:
    """转线下核实: the referred call is a board item of kind referral, followed up
    like a commitment. An older one was answered and verified; a recent one is
    still open within its 15 days."""
    liaison = next(
        (u for u in users.values() if u.department_id == department.id),
        users["office"],
    )
    created = call.received_at + timedelta(minutes=3)
    deadline = show_day + timedelta(days=15)
    item = create_referral(
        call,
        department_id=department.id,
        note=f"转{department.name}现场核实“{call.topic}”，15日内答复群众。",
        deadline=deadline,
        actor=users["host"],
    )
    item.created_at = created
    item.events[-1].created_at = created
    if deadline < today:
        done = deadline - timedelta(days=3)
        for kind, actor, note, days in (
            (EventKind.COMPLETION_REPORTED, liaison, "已现场核实并答复群众，整改方案已公示。", 0),
            (EventKind.VERIFIED, users["office"], "经电话回访群众，答复属实。", 2),
        ):
            offset = timedelta(days=(done - show_day).days + days)
            add_event(item, kind, actor, note=note).created_at = created + offset
        item.completed_on = done
        item.state = State.MET


def _commitment(call, department, official, story, show_day, today, tz, users) -> None:
    liaison = next(
        (u for u in users.values() if u.department_id == department.id),
        users["office"],
    )
    office = users["office"]
    created = call.received_at + timedelta(minutes=3)
    span = {"overdue": 25, "open": 30, "extended_open": 20, "reported": 30}.get(story, 30)
    deadline = show_day + timedelta(days=span)
    pledge, terms, later = pledge_for(call.topic, department.name, deadline)
    item = Commitment(
        call=call,
        department_id=department.id,
        pledge=pledge,
        official_name=official[0],
        official_title=f"{department.name}{official[1]}",
        deadline=deadline,
        original_deadline=deadline,
        state=State.OPEN,
        created_at=created,
        **dict.fromkeys(TERMS, "") | terms,
    )
    db.session.add(item)

    def event(kind, day_offset, actor, **kw):
        ev = add_event(item, kind, actor, **kw)
        ev.created_at = created + timedelta(days=day_offset)
        return ev

    event(
        EventKind.CREATED,
        0,
        users["host"],
        note=item.pledge,
        data={"deadline": deadline.isoformat(), "official": official[0], **terms},
    )
    if later:  # 催补验收标准, then the department adds it: both on the timeline
        event(EventKind.CRITERION_REQUESTED, 2, office, note="请明确由谁验收、如何验收。")
        event(EventKind.TERMS, 3, liaison, data={"changes": {k: ["", v] for k, v in later.items()}})
        for name, value in later.items():
            setattr(item, name, value)
    event(EventKind.PROGRESS, 5, liaison, note="已组织人员现场查看，制定整改方案。", percent=30)

    def complete(done: date, verified: bool = True):
        item.completed_on = done
        item.state = State.MET if verified else State.REPORTED
        offset = (done - show_day).days
        event(EventKind.COMPLETION_REPORTED, offset, liaison, note="整改已完成，已电话回访群众。")
        if verified:  # against the criterion as stated then, as verify_completion records it
            data = {"completed_on": done.isoformat(), "criterion": item.criterion}
            event(EventKind.VERIFIED, offset + 2, office, note="经现场核实，已办结。", data=data)

    def extend(new_deadline: date, requested_day: int):
        old = item.deadline
        db.session.add(
            ExtensionRequest(
                commitment=item,
                requested_deadline=new_deadline,
                reason="涉及管线迁改，需协调多个部门。",
                status=ExtensionStatus.GRANTED,
                requested_by_id=liaison.id,
                decided_by_id=office.id,
                decision_reason="理由充分，同意延期。",
            )
        )
        event(
            EventKind.EXTENSION_REQUESTED,
            requested_day,
            liaison,
            note="涉及管线迁改，需协调多个部门。",
            data={"requested": new_deadline.isoformat()},
        )
        event(
            EventKind.EXTENSION_GRANTED,
            requested_day + 1,
            office,
            note="理由充分，同意延期。",
            data={"from": old.isoformat(), "to": new_deadline.isoformat()},
        )
        item.deadline = new_deadline

    if story == "on_time":
        complete(deadline - timedelta(days=4))
    elif story == "extended_met":
        extend(deadline + timedelta(days=30), 20)
        complete(deadline + timedelta(days=21))
    elif story == "late":
        complete(deadline + timedelta(days=9))
    elif story == "reported":
        complete(min(today - timedelta(days=1), deadline), verified=False)
    elif story == "withdrawn":
        item.state = State.WITHDRAWN
        item.withdrawn_reason = "经核实属物业管理范围，已转交相关物业公司并由街道跟踪。"
        event(EventKind.WITHDRAWN, 3, office, note=item.withdrawn_reason)
    elif story == "extended_open":
        extend(today + timedelta(days=10), 15)
    elif story == "overdue":
        event(
            EventKind.PRESSED,
            (today - show_day).days - 2,
            office,
            note="已超过承诺时限，请于三日内报告办理情况。",
        )
