"""The demo's pledges (cli/demo.py), each as an official would make it on air:
what will be delivered, where, how much, by when, and who checks it (验收标准).
Two stay vague and without a criterion, as pledges sometimes are, so the desk's
flag and "验收标准待补充" show in the demo; one had its criterion added later,
after the office asked for it.

By the call's topic: (pledge, with {date} for the deadline; deliverable;
place; measure; criterion; how the criterion came: "air" or "later").
"""

from __future__ import annotations

from datetime import date

AIR, LATER = "air", "later"

PLEDGES = {
    "凤凰街道某小区老旧管网漏水，楼道常年积水": (
        "{date}前更换凤凰街道该小区3至5栋老旧供水管网约420米，清除楼道积水，"
        "由街道办会同居民代表现场验收。",
        "更换老旧供水管网，清除楼道积水",
        "凤凰街道该小区3至5栋",
        "约420米",
        "街道办会同居民代表现场验收，试水24小时无渗漏",
        AIR,
    ),
    "公交12路末班车太早，夜班职工回家难": (
        "公交12路末班车由21:00延至22:30，{date}起执行，由市交通运输局核对发车记录。",
        "12路末班车延后发车",
        "公交12路全线",
        "末班车由21:00延至22:30",
        "市交通运输局核对公交集团一周发车记录并向社会公布",
        AIR,
    ),
    "洋澜湖沿岸部分护栏损坏，存在安全隐患": (
        "{date}前修复洋澜湖东岸损坏护栏共150米，由市水利和湖泊局组织现场验收。",
        "修复损坏护栏",
        "洋澜湖东岸长港桥至滨湖广场段",
        "150米",
        "市水利和湖泊局组织现场验收，验收照片在本页公示",
        AIR,
    ),
    "某路段路灯连续一周不亮": (
        "在古楼街道文星路加装2盏路灯、修复8盏，{date}前完成，由街道办夜间现场验收。",
        "加装并修复路灯",
        "古楼街道文星路（古楼路口至菜场段）",
        "加装2盏、修复8盏",
        "古楼街道办夜间现场验收，全段亮灯",
        AIR,
    ),
    "雨后小区地下车库倒灌": (
        "{date}前在该小区地下车库入口加装挡水坎1处、疏通排水沟60米，由街道办验收。",
        "加装挡水坎，疏通排水沟",
        "凤凰街道该小区地下车库入口",
        "挡水坎1处、排水沟60米",
        "街道办会同物业现场验收",
        AIR,
    ),
    "老旧小区二次供水水压不足": (
        "{date}前为该小区加装二次供水加压泵1套，用水高峰顶楼水压不低于0.15兆帕，"
        "由市住建局会同供水公司入户检测。",
        "加装二次供水加压泵",
        "凤凰街道该老旧小区泵房",
        "加压泵1套；顶楼水压不低于0.15兆帕",
        "市住建局会同供水公司在用水高峰入户检测顶楼水压",
        AIR,
    ),
    "社区菜市场排水沟堵塞，夏天气味难闻": (
        "{date}前清淤凤凰街道菜市场周边排水沟200米并加装防臭盖板，由社区居委会验收。",
        "排水沟清淤，加装防臭盖板",
        "凤凰街道菜市场周边",
        "200米",
        "社区居委会组织商户代表现场验收",
        AIR,
    ),
    "城郊公交站台没有遮雨棚": (
        "{date}前在葛店开发区城郊线3个公交站台加装遮雨棚，由市交通运输局会同开发区管委会验收。",
        "加装公交站台遮雨棚",
        "葛店开发区城郊线（高新大道沿线）",
        "3个站台",
        "市交通运输局会同葛店开发区管委会现场验收",
        AIR,
    ),
    "滨湖步道夜间照明不足": (
        "在滨湖步道泽林段加装太阳能步道灯40盏，{date}前完成，由镇政府组织夜间验收。",
        "加装太阳能步道灯",
        "滨湖步道泽林段",
        "40盏",
        "泽林镇政府组织夜间现场验收，照度抽测结果公示",
        AIR,
    ),
    "某路口红绿灯时长不合理": (
        "{date}前将樊川大道与寒溪路口南北向绿灯由25秒调至40秒，由交警支队复测高峰排队长度。",
        "调整信号灯配时",
        "西山街道樊川大道与寒溪路口",
        "南北向绿灯由25秒调至40秒",
        "交警支队在早晚高峰复测排队长度，结果在本页公示",
        AIR,
    ),
    "河道沿线垃圾清理不及时": (
        "{date}前清理长港河泽林段沿线垃圾，设固定收集点4个、每日保洁一次，由镇环卫所验收。",
        "清理河道沿线垃圾，设固定收集点",
        "长港河泽林段",
        "收集点4个，每日保洁一次",
        "泽林镇环卫所验收，连续一周抽查保洁记录",
        AIR,
    ),
    # Concrete, but the criterion was not said on air: "验收标准待补充" while
    # it awaits verification.
    "菜市场周边停车位不足": (
        "{date}前在古楼街道菜市场东侧空地施划临时停车位30个。",
        "施划临时停车位",
        "古楼街道菜市场东侧空地",
        "30个",
        "",
        AIR,
    ),
    # Said without a criterion on air; the office asked, the department added it.
    "社区健身器材损坏无人维修": (
        "{date}前修复凤凰街道社区广场损坏的健身器材6件。",
        "修复健身器材",
        "凤凰街道社区广场",
        "6件",
        "社区居委会验收并在广场公示维修清单",
        LATER,
    ),
    "湖边餐馆油烟直排，附近居民开不了窗": (
        "{date}前督促湖边12家餐馆全部安装油烟净化设施，由市生态环境局逐家检测。",
        "督促安装油烟净化设施",
        "泽林镇湖边餐饮街",
        "12家",
        "市生态环境局逐家现场检测，油烟排放浓度不超过2.0毫克/立方米",
        AIR,
    ),
    # Vague on purpose, as pledges sometimes are: flagged on the desk, and
    # "验收标准待补充" on the board until the department adds one.
    "快递车辆在小区内横冲直撞": (
        "我们将进一步加强对快递车辆的管理，尽快研究出台相关措施，逐步解决这一问题。",
        "",
        "",
        "",
        "",
        AIR,
    ),
    "雨污分流改造后路面一直没有恢复": (
        "{date}前恢复古楼街道雨污分流施工段路面1.2公里，由市住建局会同街道办验收。",
        "恢复施工段路面",
        "古楼街道雨污分流施工段",
        "1.2公里",
        "市住建局会同古楼街道办现场验收，路面平整无积水",
        AIR,
    ),
    "池塘填埋后周边排水不畅": (
        "{date}前在华容区填埋池塘周边新建排水管道300米、检查井6座，汛前试水。",
        "新建排水管道和检查井",
        "华容区填埋池塘周边",
        "管道300米、检查井6座",
        "市水利和湖泊局组织验收，汛前试水不积水",
        AIR,
    ),
    "城中村违建影响消防通道": (
        "我们高度重视，将积极协调相关部门，适时开展专项整治，妥善处理。",
        "",
        "",
        "",
        "",
        AIR,
    ),
}


def pledge_for(topic: str, department: str, deadline: date) -> tuple[str, dict, dict]:
    """(the pledge as said, the terms given on air, the terms added later)."""
    found = PLEDGES.get(topic)
    if found is None:  # a topic added to the demo without its pledge: still concrete
        found = ("{date}前解决“" + topic + "”", "", "", "", f"{department}现场验收", AIR)
    pledge, deliverable, place, measure, criterion, when = found
    terms = {"deliverable": deliverable, "place": place, "measure": measure}
    terms = {name: value for name, value in terms.items() if value}
    later = {}
    if criterion and when == AIR:
        terms["criterion"] = criterion
    elif criterion:
        later["criterion"] = criterion
    return pledge.format(date=f"{deadline.month}月{deadline.day}日"), terms, later
