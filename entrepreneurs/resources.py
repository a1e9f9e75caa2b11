"""Spreadsheet import and export of entrepreneurs, enterprises and financing (see jining.importing).

Re-importing a file updates the records it matches instead of adding them again:

* an entrepreneur by ID-card number; without one, by name + year of birth + hometown county;
* an enterprise by unified social credit code; without one, by name + year registered;
* a financing record by enterprise + kind + date + amount.
"""

from django.db.models import Q
from import_export.fields import Field

from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SpecialGroup
from jining.importing.resources import SpreadsheetResource
from jining.importing.widgets import (
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ListWidget,
    LookupWidget,
    TextWidget,
    choice_field,
)
from jining.models import Organisation

ENTREPRENEUR_KEYS = ("id_card_number", "name")
ENTERPRISE_KEYS = ("credit_code", "name", "short_name")


def text(attribute, column_name):
    return Field(attribute=attribute, column_name=column_name, widget=TextWidget())


def integer(attribute, column_name):
    return Field(attribute=attribute, column_name=column_name, widget=IntegerWidget())


class EntrepreneurResource(SpreadsheetResource):
    name = text("name", "姓名")
    gender = choice_field("gender", "性别", Entrepreneur.Gender.choices)
    birth_date = Field(attribute="birth_date", column_name="出生日期", widget=DateWidget())
    birth_year = integer("birth_year", "出生年份")
    id_card_number = text("id_card_number", "身份证号")
    phone = text("phone", "手机号")
    hometown_city = text("hometown_city", "户籍盟市")
    hometown_county = text("hometown_county", "户籍县区/旗")
    hometown_township = text("hometown_township", "户籍乡镇")
    left_home_age = integer("left_home_age", "首次外出务工年龄")
    prior_work_place = text("prior_work_place", "返乡前工作地")
    prior_trade = text("prior_trade", "返乡前从事行业")
    return_year = integer("return_year", "返乡年份")
    education = choice_field("education", "文化程度", Entrepreneur.Education.choices)
    special_groups = Field(
        attribute="special_groups", column_name="特殊群体", widget=ListWidget(SpecialGroup, ("name", "code"))
    )
    story = text("story", "创业经历")

    required_columns = ("姓名",)

    class Meta:
        model = Entrepreneur
        fields = (
            "name",
            "gender",
            "birth_date",
            "birth_year",
            "id_card_number",
            "phone",
            "hometown_city",
            "hometown_county",
            "hometown_township",
            "left_home_age",
            "prior_work_place",
            "prior_trade",
            "return_year",
            "education",
            "special_groups",
            "story",
        )
        export_order = fields

    def candidates(self, probes):
        cards = {probe.id_card_number for probe in probes if probe.id_card_number}
        names = {probe.name for probe in probes if probe.name}
        return Q(id_card_number__in=cards) | Q(name__in=names)

    def match(self, probe, index):
        card = probe.id_card_number  # normalised, and the birth date filled from it (fill_derived)
        if card:
            found = index.one(id_card_number=card)
            if found:
                return found
        if not (probe.name and probe.birth_year):
            return None
        return index.one(
            where=(lambda record: record.id_card_number in ("", card)) if card else None,
            name=probe.name,
            birth_year=probe.birth_year,
            hometown_county=probe.hometown_county,
        )


class EnterpriseResource(SpreadsheetResource):
    name = text("name", "企业名称")
    short_name = text("short_name", "简称或品牌")
    credit_code = text("credit_code", "统一社会信用代码")
    registration_year = integer("registration_year", "成立年份")
    legal_form = choice_field("legal_form", "组织形式", Enterprise.LegalForm.choices)
    industry = choice_field("industry", "行业", Enterprise.Industry.choices)
    status = choice_field("status", "经营状态", Enterprise.Status.choices)
    founders = Field(
        attribute="founders", column_name="创办人", widget=ListWidget(Entrepreneur, ENTREPRENEUR_KEYS)
    )
    address = text("address", "地址")
    description = text("description", "简介")

    required_columns = ("企业名称",)

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "short_name",
            "credit_code",
            "registration_year",
            "legal_form",
            "industry",
            "status",
            "founders",
            "address",
            "description",
        )
        export_order = fields

    def candidates(self, probes):
        codes = {probe.credit_code for probe in probes if probe.credit_code}
        names = {probe.name for probe in probes if probe.name}
        return Q(credit_code__in=codes) | Q(name__in=names)

    def match(self, probe, index):
        code = probe.credit_code  # upper case (fill_derived)
        if code:
            found = index.one(credit_code=code)
            if found:
                return found
        if not probe.name:
            return None
        return index.one(
            where=(lambda record: record.credit_code in ("", code)) if code else None,
            name=probe.name,
            registration_year=probe.registration_year,
        )


class FinancingResource(SpreadsheetResource):
    enterprise = Field(
        attribute="enterprise", column_name="企业", widget=LookupWidget(Enterprise, ENTERPRISE_KEYS)
    )
    kind = choice_field("kind", "融资类型", Financing.Kind.choices)
    amount = Field(attribute="amount", column_name="金额（元）", widget=DecimalWidget())
    date = Field(attribute="date", column_name="日期", widget=DateWidget())
    borrower = Field(
        attribute="borrower", column_name="借款人", widget=LookupWidget(Entrepreneur, ENTREPRENEUR_KEYS)
    )
    provider = Field(attribute="provider", column_name="资金方", widget=LookupWidget(Organisation))
    guarantor = Field(attribute="guarantor", column_name="担保机构", widget=LookupWidget(Organisation))
    term_months = integer("term_months", "期限（月）")
    notes = text("notes", "备注")

    required_columns = ("企业", "融资类型", "金额（元）", "日期")

    class Meta:
        model = Financing
        fields = (
            "enterprise",
            "kind",
            "amount",
            "date",
            "borrower",
            "provider",
            "guarantor",
            "term_months",
            "notes",
        )
        export_order = fields

    def candidates(self, probes):
        return Q(enterprise_id__in={probe.enterprise_id for probe in probes if probe.enterprise_id})

    def match(self, probe, index):
        key = {name: getattr(probe, name) for name in ("enterprise_id", "kind", "date", "amount")}
        if any(value is None for value in key.values()):
            return None
        return index.one(**key)
