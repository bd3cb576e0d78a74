"""The unit classifier on titles written for this test, none of them in the corpus.

Each expectation was written from knowledge of the place and the unit, before
running the classifier (place facts: 雁塔区 is in 西安, 天河区 in 广州, 朝阳区
exists in 北京 and 长春, 南山区 in 深圳 and 鹤岗, 西湖区 in 杭州 and 南昌 …).
Together they cover every unit_type and every admin_level of the codebook.
False friends included: 河南街道 (延吉, 吉林) is not 河南省; 鼓楼区 exists in four
provinces.
"""

from __future__ import annotations

from functools import partial

import pytest

from analysis.gazetteer import load_gazetteer
from analysis.units import ADMIN_LEVELS, UNIT_TYPES, classify_unit


@pytest.fixture(scope="module")
def classify(ctx):
    """:func:`classify_unit` with the project's gazetteer."""
    return partial(classify_unit, gazetteer=load_gazetteer(ctx.input(ctx.params.units.gazetteer)))


# title → (unit_type, admin_level, tier, province)
UNSEEN = {
    # courts
    "杭州市中级人民法院深化诉源治理助推平安杭州建设": ("court", "prefecture", "city", "浙江"),
    "北京市朝阳区人民法院创新多元解纷机制": ("court", "district", "county", "北京"),
    "新疆维吾尔自治区高级人民法院推进平安新疆建设": ("court", "province", "province", "新疆"),
    "最高人民法院发布平安建设典型案例": ("court", "national", "national", None),
    "长阳土家族自治县人民法院打造“枫桥式”法庭": ("court", "county", "county", "湖北"),
    "枫桥人民法庭就地化解矛盾纠纷": ("court", "town", "grassroots", None),
    # procuratorates
    "浦东新区人民检察院护航营商环境": ("procuratorate", "district", "county", "上海"),
    "义乌市人民检察院做实公益诉讼": ("procuratorate", "county", "county", "浙江"),
    # public security
    "公安雁塔分局小寨路派出所打造枫桥式派出所": ("public_security", "town", "grassroots", "陕西"),
    "甘孜州公安局深化高原警务改革": ("public_security", "prefecture", "city", "四川"),
    "广东省公安厅部署夏季治安打击整治行动": ("public_security", "province", "province", "广东"),
    "公安部推广新时代“枫桥式公安派出所”经验": ("public_security", "national", "national", None),
    "潍坊交警护航平安出行": ("public_security", "prefecture", "city", "山东"),
    # justice administration
    "浙江省司法厅推进公共法律服务体系建设": ("justice_administration", "province", "province", "浙江"),
    "城关司法所调解员化解邻里纠纷": ("justice_administration", "town", "grassroots", None),
    # political-legal committees
    "长沙市委政法委统筹推进平安长沙建设": ("political_legal_committee", "prefecture", "city", "湖南"),
    "西湖区委政法委推进基层治理": ("political_legal_committee", "district", "county", None),
    # prisons
    "四川省监狱管理局推进监狱安全治理": ("prison", "province", "province", "四川"),
    "潍坊监狱深化罪犯教育改造": ("prison", "prefecture", "city", "山东"),
    # governance centres and law societies
    "海宁市社会治理综合服务中心实现矛盾纠纷一站式化解": ("governance_center", "county", "county", "浙江"),
    "江苏省法学会服务法治江苏建设": ("law_society", "province", "province", "江苏"),
    # other government departments
    "成都市应急管理局筑牢城市安全防线": ("government_department", "prefecture", "city", "四川"),
    "深圳市南山区住房和建设局守护安居": ("government_department", "district", "county", "广东"),
    "国家信访局推动信访工作法治化": ("government_department", "national", "national", None),
    # enterprises
    "国家电网有限公司建设平安电网": ("enterprise", "national", "national", None),
    # party committees / territories at every level
    "大理州推进民族团结进步示范州建设": ("party_committee", "prefecture", "city", "云南"),
    "锡林郭勒盟守护北疆平安": ("party_committee", "prefecture", "city", "内蒙古"),
    "阿克苏地区深化平安建设": ("party_committee", "prefecture", "city", "新疆"),
    "莫力达瓦达斡尔族自治旗推进平安建设": ("party_committee", "county", "county", "内蒙古"),
    "苏州工业园区构建网格化治理体系": ("party_committee", "development_zone", "county", "江苏"),
    "天河区沙河街道打造平安商圈": ("party_committee", "subdistrict", "grassroots", "广东"),
    "诸暨市枫桥镇坚持发展新时代“枫桥经验”": ("party_committee", "town", "grassroots", "浙江"),
    "景宁畲族自治县大均乡守护畲乡平安": ("party_committee", "township", "grassroots", "浙江"),
    "枫林社区网格员走街串巷": ("party_committee", "community", "grassroots", None),
    "安吉县天荒坪镇余村推进平安乡村建设": ("party_committee", "village", "grassroots", "浙江"),
    "浙江省委推进平安浙江建设二十年": ("party_committee", "province", "province", "浙江"),
    "朝阳区平安建设工作侧记": ("party_committee", "district", "county", None),
    "南山区平安建设工作纪实": ("party_committee", "district", "county", None),
    # false friends and titles naming no unit
    "海南省三亚市公安局推进平安旅游岛建设": ("public_security", "prefecture", "city", "海南"),
    "平安建设的三个维度": ("unknown", None, None, None),
    "新时代枫桥经验的理论内涵": ("unknown", None, None, None),
    "平安区域联防联控机制研究": ("unknown", None, None, None),
    # 公安县 (荆州, 湖北) is a county; 公安 alone is the police.
    "公安县人民法院推进诉源治理": ("court", "county", "county", "湖北"),
    "公安机关推进平安建设纪实": ("public_security", None, None, None),
    # An organ outside the codebook is unknown, though its territory is known.
    "宁波市纪委监委护航平安建设": ("unknown", None, None, "浙江"),
    # A second batch, written after the rules were last changed and run once
    # (20 of 20 right on all four fields at that first run).
    "郑州市中级人民法院推进执行攻坚": ("court", "prefecture", "city", "河南"),
    "海淀区人民检察院守护未成年人健康成长": ("procuratorate", "district", "county", "北京"),
    "公安金水分局经八路派出所深化社区警务": ("public_security", "town", "grassroots", "河南"),
    "云南省司法厅推进人民调解工作": ("justice_administration", "province", "province", "云南"),
    "黔东南州委政法委推进平安黔东南建设": ("political_legal_committee", "prefecture", "city", "贵州"),
    "宁波市鄞州区综治中心实体化运行": ("governance_center", "district", "county", "浙江"),
    "绍兴市法学会助力基层治理": ("law_society", "prefecture", "city", "浙江"),
    "福建省监狱管理局推进平安监狱建设": ("prison", "province", "province", "福建"),
    "昆山市市场监督管理局守护食品安全": ("government_department", "county", "county", "江苏"),
    "中国移动通信集团有限公司服务平安中国建设": ("enterprise", "national", "national", None),
    "延吉市河南街道打造多元解纷平台": ("party_committee", "subdistrict", "grassroots", "吉林"),
    "鼓楼区推进平安建设": ("party_committee", "district", "county", None),
    "南京市鼓楼区人民法院推进诉源治理": ("court", "district", "county", "江苏"),
    "武侯区玉林街道探索院落治理": ("party_committee", "subdistrict", "grassroots", "四川"),
    "凉山州深化禁毒人民战争": ("party_committee", "prefecture", "city", "四川"),
    "吴兴区妙西镇建设平安乡村": ("party_committee", "town", "grassroots", "浙江"),
    "大兴区公安分局守护平安大兴": ("public_security", "district", "county", "北京"),
    "涪陵区人民检察院推进检察听证": ("procuratorate", "district", "county", "重庆"),
    "淮北市杜集区矿山集街道织密平安网": ("party_committee", "subdistrict", "grassroots", "安徽"),
    "湖南省高级人民法院发布典型案例": ("court", "province", "province", "湖南"),
}


@pytest.mark.parametrize("title", sorted(UNSEEN), ids=lambda t: t[:12])
def test_unseen_title(classify, title):
    unit_type, admin_level, tier, province = UNSEEN[title]
    info = classify(title)
    assert (info.unit_type, info.admin_level, info.tier, info.province) == (
        unit_type, admin_level, tier, province), info.note


def test_unseen_titles_cover_the_codebook():
    assert len(UNSEEN) >= 30
    assert {v[0] for v in UNSEEN.values()} == set(UNIT_TYPES)
    assert {v[1] for v in UNSEEN.values()} - {None} == set(ADMIN_LEVELS)


def test_ambiguous_place_is_settled_by_the_body_only(classify):
    title = "长安区推动平安建设走深走实"
    assert classify(title).province is None
    assert set(classify(title).province_candidates) == {"河北", "陕西"}
    settled = classify(title, "近年来，石家庄市长安区坚持和发展新时代“枫桥经验”。")
    assert (settled.province, settled.province_source) == ("河北", "body")
    settled = classify(title, "西安市长安区地处秦岭北麓。")
    assert (settled.province, settled.province_source) == ("陕西", "body")
    # A body naming both candidates settles nothing.
    assert classify(title, "西安市与石家庄市的长安区交流经验。").province is None


def test_hainan_prefecture_is_not_hainan_province(classify):
    assert classify("海南州推进平安建设").province == "青海"
    assert classify("海南省推进平安建设").province == "海南"


def test_pingan_is_a_campaign_word_not_the_district(classify):
    # 平安区 (海东, 青海) is a place only where the title names it as a unit.
    assert classify("平安区人民法院推进诉源治理").province == "青海"
    for title in ("平安乡村建设的实践路径", "平安社区建设经验谈", "建设平安村居"):
        info = classify(title)
        assert (info.unit_type, info.province) == ("unknown", None), title
    assert classify("某县推进平安乡村建设").admin_level is None


def test_short_name_needs_a_unit_word_or_the_body(classify):
    # 紫阳 alone at the head of a title is not enough; 紫阳公安 or a body with 紫阳县 is.
    assert classify("紫阳推进平安建设").unit_type == "unknown"
    assert classify("紫阳公安推进平安建设").province == "陕西"
    info = classify("紫阳推进平安建设", "紫阳县位于陕西省南部。")
    assert (info.unit_type, info.province, info.place_source) == ("party_committee", "陕西", "body")


@pytest.mark.parametrize("bad", ["", "   ", "Ping'an construction report", "2024"])
def test_empty_or_non_chinese_input_raises(classify, bad):
    with pytest.raises(ValueError):
        classify(bad)
