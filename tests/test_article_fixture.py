"""The `article` fixture carries every fact of the 2019-09-05 中国改革报 article in structured fields.

One test per fact id of docs/article-facts.md (P1..P14, I1..I23, E1..E13, V1..V7), each checking the
fact through the ORM and that its provenance is the article, plus checks on the fixture as a whole.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    Product,
    SpecialGroup,
    SupportMeasure,
)
from events.models import Attendance, Event, EventSeries
from incubators.models import Designation, Incubator, Residency, Service
from jining.models import Organisation, Programme, Source
from overview.models import ReportedFigure

pytestmark = pytest.mark.django_db

APP_LABELS = ("jining", "incubators", "entrepreneurs", "events", "overview")
ARTICLE_CODE = "zggbb-20190905-jinyaoshi"
QUOTE_SEPARATOR = " … "
SO_FAR = datetime.date(2019, 9, 5)
YEAR_2018 = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def project_models(include_auto_created=False):
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model._meta.app_label in APP_LABELS
    ]


@pytest.fixture
def article(db):
    call_command("loaddata", "article", verbosity=0)
    return Source.objects.get(code=ARTICLE_CODE)


def assert_from_article(obj, article, *fragments):
    """The record's source is the article and every sentence of its quote is in the article."""
    assert obj.source_id == article.pk
    assert obj.source_quote
    for sentence in obj.source_quote.split(QUOTE_SEPARATOR):
        assert sentence in article.text
    for fragment in fragments:
        assert fragment in obj.source_quote


def assert_figure(article, key, *, measure, value, unit, qualifier, scope, scope_name, fragment, **extra):
    figure = ReportedFigure.objects.get(key=key)
    assert figure.measure == measure
    assert figure.value == Decimal(value)
    assert figure.unit == unit
    assert figure.qualifier == qualifier
    assert figure.scope == scope
    assert figure.scope_name == scope_name
    period_start, as_of = extra.pop("period", (None, SO_FAR))
    assert figure.period_start == period_start
    assert figure.as_of == as_of
    for field in ("incubator", "event_series", "event"):
        expected = extra.pop(field, None)
        assert getattr(figure, field) == expected
    assert not extra, extra
    assert_from_article(figure, article, fragment)
    return figure


def aichuang():
    return Incubator.objects.get(code="aichuang")


def leather_city():
    return Incubator.objects.get(code="leather-city")


def dajiangtang():
    return EventSeries.objects.get(name="创新创业走基层大讲堂")


def rural_seminar():
    return Event.objects.get(title="农村电商创业成为乡村振兴的新引擎")


def bureau():
    return Organisation.objects.get(code="jnq-ldjyj")


# --- The fixture as a whole ---------------------------------------------------------------------


def test_article_source(article):
    assert article.kind == Source.Kind.NEWS
    assert article.title == "带领返乡创业人员找到“金钥匙”"
    assert article.publisher == "中国改革报"
    assert article.authors == "于保明、任阿龙"
    assert article.published_on == datetime.date(2019, 9, 5)
    assert article.published_precision == "day"
    assert "集宁国际皮革城占地300亩" in article.text


def test_loading_twice_changes_nothing(article):
    models = project_models(include_auto_created=True)
    counts = {model: model.objects.count() for model in models}
    dump = serializers.serialize("json", [obj for model in project_models() for obj in model.objects.all()])
    assert sum(counts.values()) > 0
    call_command("loaddata", "article", verbosity=0)
    assert {model: model.objects.count() for model in models} == counts
    assert (
        serializers.serialize("json", [obj for model in project_models() for obj in model.objects.all()])
        == dump
    )


def test_every_sourced_record_has_the_article_as_source(article):
    checked = 0
    for model in project_models():
        field_names = {field.name for field in model._meta.get_fields()}
        if "source" not in field_names:
            continue
        assert not model.objects.filter(source__isnull=True).exists(), model
        for obj in model.objects.all():
            assert_from_article(obj, article)
            checked += 1
    assert checked > 50


def test_every_record_passes_full_clean(article):
    checked = 0
    for model in project_models():
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked >= 90


def test_no_invented_individual_records(article):
    assert not Financing.objects.exists()
    assert not Attendance.objects.exists()
    assert Event.objects.count() == 1
    assert Entrepreneur.objects.count() == 3
    assert Enterprise.objects.count() == 2


def test_reference_rows(article):
    assert set(SpecialGroup.objects.values_list("code", flat=True)) >= {
        "disabled",
        "poverty-household",
        "veteran",
        "college-graduate",
        "migrant-worker",
        "rural-youth",
    }
    assert list(SpecialGroup.objects.filter(sensitive=True).values_list("code", flat=True)) == ["disabled"]
    assert Service.objects.count() == 8
    assert not Service.objects.filter(name_en="").exists()
    assert not Organisation.objects.filter(name_en="").exists()
    assert not Incubator.objects.filter(name_en="").exists()
    assert not EventSeries.objects.filter(name_en="").exists()


# --- P: the program and the district -------------------------------------------------------------


def test_P1_deeply_poor_counties(article):
    assert_figure(
        article,
        "ulanqab-deeply-poor-counties",
        measure="deeply_poor_counties",
        value=8,
        unit="count",
        qualifier="exact",
        scope="city",
        scope_name="乌兰察布市",
        fragment="有8个深度贫困县",
    )


def test_P2_migrant_workers_in_millions(article):
    assert_figure(
        article,
        "ulanqab-migrant-workers",
        measure="migrant_workers",
        value=1_000_000,
        unit="person",
        qualifier="order",
        scope="city",
        scope_name="乌兰察布市",
        fragment="数以百万计",
    )


def test_P3_pilot_designated_2017_by_ten_ministries(article):
    programme = Programme.objects.get(code="jining-returnee-pilot")
    assert programme.area == "集宁区"
    assert programme.designated_year == 2017
    assert programme.designating_body_count == 10
    ministries = programme.designated_by.all()
    assert set(ministries.values_list("name", flat=True)) == {
        "国家发展和改革委员会",
        "工业和信息化部",
        "财政部",
    }
    assert {m.kind for m in ministries} == {Organisation.Kind.MINISTRY}
    assert_from_article(programme, article, "十部委联合发文")


def test_P4_run_by_bureau_with_director(article):
    programme = Programme.objects.get(code="jining-returnee-pilot")
    assert programme.run_by == bureau()
    assert programme.run_by.name == "集宁区劳动就业局"
    assert programme.run_by.kind == Organisation.Kind.GOVERNMENT
    assert programme.run_by.head_name == "张宏旺"
    assert programme.run_by.head_title == "局长"
    assert_from_article(programme, article, "集宁区劳动就业局局长张宏旺")


def test_P5_special_group_approach(article):
    programme = Programme.objects.get(code="jining-returnee-pilot")
    for word in ("送岗位", "送技术", "送政策", "跟踪"):
        assert word in programme.special_group_approach
    assert_from_article(programme, article, "送岗位、送技术、送政策")


def test_P6_training_participants(article):
    assert_figure(
        article,
        "jnq-training-participants",
        measure="training_participants",
        value=2360,
        unit="person",
        qualifier="exact",
        scope="district",
        scope_name="集宁区",
        fragment="累计参加创业培训人数2360人",
    )


def test_P7_parks_built(article):
    assert_figure(
        article,
        "jnq-parks-built",
        measure="parks_built",
        value=8,
        unit="count",
        qualifier="exact",
        scope="district",
        scope_name="集宁区",
        fragment="孵化基地8个",
    )


def test_P8_entities_settled(article):
    assert_figure(
        article,
        "jnq-entities-settled",
        measure="entities_settled",
        value=6281,
        unit="household",
        qualifier="exact",
        scope="district",
        scope_name="集宁区",
        fragment="入驻实体6281户",
    )


def test_P9_entities_supported(article):
    assert_figure(
        article,
        "jnq-entities-supported",
        measure="entities_supported",
        value=3284,
        unit="count",
        qualifier="exact",
        scope="district",
        scope_name="集宁区",
        fragment="扶持了3284个实体",
    )


def test_P10_jobs_created(article):
    assert_figure(
        article,
        "jnq-jobs-created",
        measure="jobs_created",
        value=28_400,
        unit="person",
        qualifier="over",
        scope="district",
        scope_name="集宁区",
        fragment="带动就业28,400多人",
    )


def test_P11_guidance_centre(article):
    centre = Incubator.objects.get(name="集宁区创业指导中心")
    assert centre.kind == Incubator.Kind.GUIDANCE_CENTRE
    assert centre.operator == bureau()
    assert_from_article(centre, article, "建立了集宁区创业指导中心")


def test_P12_expert_teams(article):
    assert_figure(
        article,
        "jnq-expert-teams",
        measure="expert_teams",
        value=10,
        unit="count",
        qualifier="exact",
        scope="district",
        scope_name="集宁区",
        fragment="组建专家服务团10个",
    )


def test_P13_ecommerce_practitioners_guided_home(article):
    assert_figure(
        article,
        "rural-ecommerce-seminar-returnees",
        measure="ecommerce_returnees",
        value=50,
        unit="person",
        qualifier="over",
        scope="event",
        scope_name="农村电商创业成为乡村振兴的新引擎",
        event=rural_seminar(),
        fragment="引导50多名具有实践经验的电商从业者返乡创业",
    )


def test_P14_rural_ecommerce_talents_trained(article):
    assert_figure(
        article,
        "rural-ecommerce-seminar-talents",
        measure="ecommerce_talents",
        value=300,
        unit="person",
        qualifier="over",
        scope="event",
        scope_name="农村电商创业成为乡村振兴的新引擎",
        event=rural_seminar(),
        fragment="培养了300多名",
    )


# --- I: incubators and platforms -----------------------------------------------------------------


def test_I1_aichuang_in_zhongchuang_building_guided_by_bureau(article):
    space = aichuang()
    assert space.name == "爱创空间"
    assert space.kind == Incubator.Kind.MAKER_SPACE
    assert space.host_building == "众创大厦"
    assert space.guiding_body == bureau()
    assert_from_article(space, article, "在集宁区劳动就业局等部门的指导下")


def test_I2_aichuang_free_venue_area(article):
    space = aichuang()
    assert space.free_area_m2 == Decimal("1600")
    facilities = space.facilities.all()
    assert set(facilities.values_list("name", flat=True)) == {
        "会议室",
        "洽谈室",
        "产品展示厅",
        "项目路演厅",
        "摄影棚",
    }
    assert all(f.free_of_charge for f in facilities)
    assert_from_article(space, article, "创业功能场地1600平方米")


def test_I3_aichuang_service_agencies(article):
    space = aichuang()
    assert space.service_agency_count == 10
    assert_from_article(space, article, "入驻专业服务机构10家")


def test_I4_aichuang_mentors(article):
    space = aichuang()
    assert space.mentor_count == 12
    assert_from_article(space, article, "组建创业导师和专业人才12人")


def test_I5_aichuang_smes_served_with_eight_services(article):
    assert set(aichuang().services.values_list("name", flat=True)) == {
        "创业培训",
        "财务管理",
        "电子商务咨询",
        "法律顾问",
        "知识产权专利应用",
        "技术转让",
        "人力资源管理",
        "投融资",
    }
    assert_figure(
        article,
        "aichuang-smes-served",
        measure="smes_served",
        value=152,
        unit="count",
        qualifier="exact",
        scope="incubator",
        scope_name="爱创空间",
        incubator=aichuang(),
        fragment="为152家中小企业提供",
    )


def test_I6_aichuang_events_held(article):
    assert_figure(
        article,
        "aichuang-events-held",
        measure="events_held",
        value=87,
        unit="count",
        qualifier="over",
        scope="incubator",
        scope_name="爱创空间",
        incubator=aichuang(),
        fragment="各类创投活动87余场",
    )


def test_I7_aichuang_entrepreneurs_coached(article):
    assert_figure(
        article,
        "aichuang-coaching-person-times",
        measure="coaching_person_times",
        value=6267,
        unit="person_time",
        qualifier="exact",
        scope="incubator",
        scope_name="爱创空间",
        incubator=aichuang(),
        fragment="帮助辅导创业人员6267人次",
    )


def test_I8_aichuang_projects_incubated(article):
    assert_figure(
        article,
        "aichuang-projects-incubated",
        measure="projects_incubated",
        value=152,
        unit="count",
        qualifier="exact",
        scope="incubator",
        scope_name="爱创空间",
        incubator=aichuang(),
        fragment="孵化创业项目152个",
    )


def test_I9_aichuang_financing_plans_coached(article):
    assert_figure(
        article,
        "aichuang-financing-plans-coached",
        measure="financing_plans_coached",
        value=20,
        unit="count",
        qualifier="over",
        scope="incubator",
        scope_name="爱创空间",
        incubator=aichuang(),
        fragment="辅导20余家改进创业融资方案",
    )


def test_I10_financing_achieved(article):
    assert_figure(
        article,
        "aichuang-financing-amount",
        measure="financing_amount",
        value=16_510_000,
        unit="yuan",
        qualifier="exact",
        scope="incubator",
        scope_name="爱创空间",
        incubator=aichuang(),
        fragment="实现融资1651万元",
    )


def test_I11_leather_industry_maker_space(article):
    space = Incubator.objects.get(name="皮革产业众创空间")
    assert space.kind == Incubator.Kind.MAKER_SPACE
    assert space.name_en
    assert_from_article(space, article, "皮革产业众创空间")


def test_I12_ecommerce_public_service_centre(article):
    centre = Incubator.objects.get(name="集宁区电子商务公共服务中心")
    assert centre.kind == Incubator.Kind.ECOMMERCE_CENTRE
    assert centre.name_en
    assert_from_article(centre, article, "集宁区电子商务公共服务中心")


def test_I13_leather_city_land_area(article):
    city = leather_city()
    assert city.name == "集宁国际皮革城"
    assert city.kind == Incubator.Kind.PARK
    assert city.area == "商业核心区"
    assert city.land_area_mu == Decimal("300")
    assert_from_article(city, article, "占地300亩", "商业核心区")


def test_I14_leather_city_building_area(article):
    city = leather_city()
    assert city.building_area_m2 == Decimal("250000")
    assert_from_article(city, article, "建筑面积25万平方米")


def test_I15_leather_city_shops(article):
    city = leather_city()
    assert city.shop_count == 2000
    assert_from_article(city, article, "2000个标准商铺")


def test_I16_leather_city_service_zone(article):
    city = leather_city()
    assert city.service_zone_area_m2 == Decimal("250000")
    assert_from_article(city, article, "规划配套建有25万平方米的餐饮、住宿、娱乐、购物、休闲综合服务区")


def test_I17_leather_city_direct_employment(article):
    assert_figure(
        article,
        "leather-city-direct-employment",
        measure="direct_employment",
        value=5000,
        unit="person",
        qualifier="over",
        scope="incubator",
        scope_name="集宁国际皮革城",
        incubator=leather_city(),
        fragment="直接安排就业5000余人",
    )


def test_I18_leather_city_indirect_employment(article):
    assert_figure(
        article,
        "leather-city-indirect-employment",
        measure="indirect_employment",
        value=10_000,
        unit="person",
        qualifier="over",
        scope="incubator",
        scope_name="集宁国际皮革城",
        incubator=leather_city(),
        fragment="带动上下游就业10,000余人",
    )


def test_I19_leather_city_returnee_share(article):
    assert_figure(
        article,
        "leather-city-returnee-share",
        measure="returnee_share",
        value=10,
        unit="percent",
        qualifier="nearly",
        scope="incubator",
        scope_name="集宁国际皮革城",
        incubator=leather_city(),
        fragment="有近10%是返乡创业人员",
    )


def test_I20_leather_city_national_designations_2018(article):
    designations = Designation.objects.filter(incubator=leather_city())
    assert set(designations.values_list("title", flat=True)) == {"国家级创业园", "创业孵化基地"}
    for designation in designations:
        assert designation.year == 2018
        assert designation.level == Designation.Level.NATIONAL
        assert_from_article(designation, article, "被评为国家级创业园和创业孵化基地")


def test_I21_leather_city_online_sales_2018(article):
    assert_figure(
        article,
        "leather-city-online-sales-2018",
        measure="online_sales",
        value=5_000_000,
        unit="yuan",
        qualifier="over",
        scope="incubator",
        scope_name="集宁国际皮革城",
        incubator=leather_city(),
        period=YEAR_2018,
        fragment="去年线上销售超过500万",
    )


def test_I22_leather_city_shops_online_2018(article):
    assert_figure(
        article,
        "leather-city-shops-online-2018",
        measure="shops_online",
        value=40,
        unit="count",
        qualifier="nearly",
        scope="incubator",
        scope_name="集宁国际皮革城",
        incubator=leather_city(),
        period=YEAR_2018,
        fragment="有近40家商铺",
    )


def test_I23_leather_city_largest_in_northern_china(article):
    city = leather_city()
    assert "中国北方地区最大的、最专业的皮革批发零售交易中心" in city.description
    assert_from_article(city, article, "中国北方地区最大的、最专业的皮革批发零售交易中心")


# --- E: entrepreneurs and their enterprises -------------------------------------------------------


def zhang():
    return Entrepreneur.objects.get(name="张智杰")


def zhao():
    return Entrepreneur.objects.get(name="赵少青")


def li():
    return Entrepreneur.objects.get(name="李汇洲")


def chuangqi():
    return Enterprise.objects.get(name="内蒙古创奇智能电子科技有限公司")


def xiaoshu():
    return Enterprise.objects.get(name="小树传媒")


def test_E1_zhang_zhijie(article):
    person = zhang()
    assert person.name_romanised == "Zhang Zhijie"
    assert person.gender == Entrepreneur.Gender.MALE
    assert person.left_home_age == 14
    assert person.education == Entrepreneur.Education.ADULT_HIGHER
    assert person.disability_since_year == 2008
    assert "高位截瘫" in person.disability_category
    disabled = person.special_groups.get(code="disabled")
    assert disabled.sensitive
    assert_from_article(person, article, "14岁就开始外出打工", "高位截瘫", "成人大学")


def test_E2_chuangqi_registered_2017(article):
    company = chuangqi()
    assert company.registration_year == 2017
    assert company.legal_form == Enterprise.LegalForm.LIMITED_COMPANY
    assert list(company.founders.all()) == [zhang()]
    assert_from_article(company, article, "注册成立了内蒙古创奇智能电子科技有限公司")


def test_E3_stair_lift_on_the_market(article):
    product = Product.objects.get(name="残疾人楼道升降平台")
    assert product.enterprise == chuangqi()
    assert product.stage == Product.Stage.ON_MARKET
    assert_from_article(product.enterprise, article, "残疾人楼道升降平台,已经成功投入市场")


def test_E4_chuangqi_disabled_employees(article):
    for measure in ("employees", "disabled_employees"):
        figure = EnterpriseFigure.objects.get(enterprise=chuangqi(), year=2019, measure=measure)
        assert figure.value == Decimal(20)
        assert figure.qualifier == "over"
        assert_from_article(figure, article, "雇佣的20余名职员都是残疾人")


def test_E5_zhang_support_rent_and_sales_channels(article):
    rent = SupportMeasure.objects.get(entrepreneur=zhang(), kind=SupportMeasure.Kind.RENT)
    assert rent.enterprise == chuangqi()
    assert rent.provider == bureau()
    assert_from_article(rent, article, "集宁区劳动就业局解决了我的厂房租金")
    sales = SupportMeasure.objects.get(entrepreneur=zhang(), kind=SupportMeasure.Kind.SALES_CHANNELS)
    assert sales.provider.name == "残联"
    assert sales.provider.kind == Organisation.Kind.FEDERATION
    assert_from_article(sales, article, "残联等部门积极帮助我们打开产品销路")


def test_E6_story_video(article):
    video = zhang().coverage.get(kind=Source.Kind.VIDEO)
    assert video.title == "摇着轮椅的创业梦"
    assert "活力集宁" in video.publisher
    assert video.published_on.year == 2019
    assert video.published_precision in ("year", "month")
    assert video.cited_in == article
    assert "《摇着轮椅的创业梦》视频" in article.text


def test_E7_zhao_shaoqing(article):
    person = zhao()
    assert person.name_romanised == "Zhao Shaoqing"
    assert person.gender == Entrepreneur.Gender.MALE
    assert person.birth_decade == 1980
    assert person.prior_work_place == "湖南"
    assert "电视台" in person.prior_trade
    assert person.return_year == 2017
    assert person.hometown_county == "集宁区"
    assert_from_article(person, article, "80后小伙赵少青此前在湖南一家电视台工作")


def test_E8_xiaoshu_media_in_aichuang(article):
    company = xiaoshu()
    assert company.registration_year == 2017
    assert company.industry == Enterprise.Industry.MEDIA
    assert list(company.founders.all()) == [zhao()]
    residency = Residency.objects.get(enterprise=company)
    assert residency.incubator == aichuang()
    assert residency.incubator.host_building == "众创大厦"
    assert residency.start_date == datetime.date(2017, 1, 1)
    assert residency.start_precision == "year"
    assert_from_article(residency, article, "集宁区众创大厦爱创空间平台的一部分")
    assert_from_article(company, article, "在众创大厦创办了自己的传媒公司")


def test_E9_xiaoshu_profit_2018(article):
    figure = EnterpriseFigure.objects.get(enterprise=xiaoshu(), year=2018, measure="profit")
    assert figure.value == Decimal(1_000_000)
    assert figure.qualifier == "over"
    assert_from_article(figure, article, "年利润超过100万元")


def test_E10_zhao_support(article):
    measures = SupportMeasure.objects.filter(entrepreneur=zhao())
    office = measures.get(kind=SupportMeasure.Kind.OFFICE)
    equipment = measures.get(kind=SupportMeasure.Kind.EQUIPMENT)
    for measure in (office, equipment):
        assert measure.enterprise == xiaoshu()
        assert measure.partly_free
        assert measure.provider.kind == Organisation.Kind.GOVERNMENT
        assert measure.incubator == aichuang()
        assert_from_article(measure, article, "就连打印机都是由政府部分免费提供的")
    assert "打印机" in equipment.description
    for kind in (SupportMeasure.Kind.TRAINING, SupportMeasure.Kind.MENTORING):
        measure = measures.get(kind=kind)
        assert measure.provider == bureau()
        assert_from_article(measure, article, "创业培训和创业经验分享沙龙")


def test_E11_li_huizhou(article):
    person = li()
    assert person.name_romanised == "Li Huizhou"
    assert person.gender == Entrepreneur.Gender.UNKNOWN
    assert person.hometown_city == "乌兰察布市"
    assert person.hometown_county == "察右中旗"
    assert person.prior_work_place == "北京"
    assert person.prior_trade == "皮革生意"
    assert_from_article(person, article, "李汇洲是乌兰察布市察右中旗人,此前一直在北京做皮革生意")


def test_E12_li_returned_2015_to_leather_city(article):
    person = li()
    assert person.return_year == 2015
    residency = Residency.objects.get(entrepreneur=person)
    assert residency.enterprise is None
    assert residency.incubator == leather_city()
    assert residency.start_date == datetime.date(2015, 1, 1)
    assert residency.start_precision == "year"
    assert_from_article(residency, article, "2015年他返回乌兰察布市落户在集宁国际皮革城")


def test_E13_li_support(article):
    measures = SupportMeasure.objects.filter(entrepreneur=li())
    assert set(measures.values_list("kind", flat=True)) == {"policy", "rent", "training"}
    policy = measures.get(kind="policy")
    assert policy.incubator == leather_city()
    assert_from_article(policy, article, "这里有很好的就业和扶持政策")
    rent = measures.get(kind="rent")
    assert "北京" in rent.description
    assert_from_article(rent, article, "房租各方面都要比北京便宜很多")
    training = measures.get(kind="training")
    assert training.incubator.parent == leather_city()
    assert training.provider == bureau()
    assert_from_article(training, article, "店铺直播和线上销售培训")


# --- V: events and training -------------------------------------------------------------------------


def test_V1_five_series_at_aichuang_and_87_events(article):
    series = EventSeries.objects.filter(host_incubator=aichuang())
    assert set(series.values_list("name", flat=True)) == {
        "创新创业走基层大讲堂",
        "返乡青年创业项目对接会",
        "创新创业接待日",
        "创新项目路演推荐会",
        "创新方法经验沙龙会",
    }
    for one in series:
        assert one.organiser == bureau()
        assert_from_article(one, article, "由集宁区劳动就业局主导,由爱创空间承办的")
    figure = ReportedFigure.objects.get(measure="events_held", incubator=aichuang())
    assert (figure.value, figure.qualifier) == (Decimal(87), "over")
    assert_from_article(figure, article, "各类创投活动87余场")


def test_V2_lecture_sessions(article):
    series = dajiangtang()
    assert series.kind == "lecture"
    assert "乡镇和街道办事处" in series.description
    assert not series.events.exists()
    assert_figure(
        article,
        "dajiangtang-sessions-held",
        measure="sessions_held",
        value=12,
        unit="count",
        qualifier="exact",
        scope="event_series",
        scope_name="创新创业走基层大讲堂",
        event_series=series,
        fragment="大型讲座活动12场",
    )


def test_V3_lecture_format_segments(article):
    series = dajiangtang()
    assert list(series.segments.order_by("id").values_list("name", flat=True)) == [
        "政策解读",
        "导师指导",
        "专家讲座",
        "创业分享",
        "专家点评",
        "私密对接",
        "现场互动",
        "直播回放",
    ]
    assert_from_article(
        series, article, "政策解读、导师指导、专家讲座、创业分享、专家点评、私密对接、现场互动、直播回放"
    )


def test_V4_lecture_onsite_participants(article):
    assert_figure(
        article,
        "dajiangtang-onsite-participants",
        measure="onsite_participants",
        value=600,
        unit="person",
        qualifier="nearly",
        scope="event_series",
        scope_name="创新创业走基层大讲堂",
        event_series=dajiangtang(),
        fragment="近600名创业者参与现场培训",
    )


def test_V5_lecture_online_views(article):
    assert_figure(
        article,
        "dajiangtang-online-views",
        measure="online_views",
        value=30_000,
        unit="person_time",
        qualifier="over",
        scope="event_series",
        scope_name="创新创业走基层大讲堂",
        event_series=dajiangtang(),
        fragment="直播课件观看点击量超过3万人次",
    )


def test_V6_rural_ecommerce_seminar(article):
    event = rural_seminar()
    assert event.kind == "seminar"
    assert event.topic == "农村电商创业成为乡村振兴的新引擎"
    assert event.start_date is None
    assert event.live_streamed
    assert event.organiser == bureau()
    assert set(event.reported_figures.values_list("measure", flat=True)) == {
        "ecommerce_returnees",
        "ecommerce_talents",
    }
    assert_from_article(event, article, "互联网+直播互动")


def test_V7_leather_city_livestream_training(article):
    series = EventSeries.objects.get(code="leather-city-livestream-training")
    assert series.kind == "training"
    assert series.host_incubator.parent == leather_city()
    assert series.host_incubator.kind == Incubator.Kind.INCUBATION_BASE
    assert series.organiser == bureau()
    assert_from_article(series, article, "店铺直播和线上销售培训")
