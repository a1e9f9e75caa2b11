"""Spreadsheet import and export of entrepreneurs, enterprises, financing, employee rosters and
operating-status observations (see jining.importing).

Re-importing a file updates the records it matches instead of adding them again:

* an entrepreneur by ID-card number; without one, by name + year of birth + hometown county;
* an enterprise by unified social credit code; without one, by name + year registered;
* a financing record by enterprise + kind + date + amount;
* a roster row by enterprise + ID-card number + start date; without a card, by enterprise + name +
  start date;
* a status observation by enterprise + day observed + how observed.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext

from entrepreneurs.models import (
    Employment,
    Enterprise,
    Entrepreneur,
    Financing,
    OperatingStatus,
    SpecialGroup,
)
from entrepreneurs.services import same_person_likely
from jining.importing.resources import SpreadsheetResource, column, labels
from jining.importing.widgets import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ListWidget,
    LookupWidget,
    TextWidget,
    YesNoWidget,
)
from jining.models import Organisation
from jining.personal import mask_id_card

ENTREPRENEUR_KEYS = ("id_card_number", "name")
ENTERPRISE_KEYS = ("credit_code", "name", "short_name")


def text(model, attribute):
    return column(model, attribute, TextWidget())


def integer(model, attribute):
    return column(model, attribute, IntegerWidget())


class EntrepreneurResource(SpreadsheetResource):
    name = text(Entrepreneur, "name")
    gender = column(Entrepreneur, "gender", ChoiceWidget(Entrepreneur.Gender.choices))
    birth_date = column(Entrepreneur, "birth_date", DateWidget())
    birth_year = integer(Entrepreneur, "birth_year")
    id_card_number = text(Entrepreneur, "id_card_number")
    phone = text(Entrepreneur, "phone")
    hometown_city = text(Entrepreneur, "hometown_city")
    hometown_county = text(Entrepreneur, "hometown_county")
    hometown_township = text(Entrepreneur, "hometown_township")
    left_home_age = integer(Entrepreneur, "left_home_age")
    prior_work_place = text(Entrepreneur, "prior_work_place")
    prior_trade = text(Entrepreneur, "prior_trade")
    return_year = integer(Entrepreneur, "return_year")
    education = column(Entrepreneur, "education", ChoiceWidget(Entrepreneur.Education.choices))
    special_groups = column(Entrepreneur, "special_groups", ListWidget(SpecialGroup, ("name", "code")))
    story = text(Entrepreneur, "story")

    required_columns = ("姓名",)
    code_fields = ("id_card_number", "phone")

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

    def warnings(self, rows):
        """A hometown county outside the known divisions, and a new person who is likely one on
        record or on an earlier row of the file (the admin form's warnings: same name and same
        hometown county or year of birth, for people without an ID-card number on both sides)."""
        found = defaultdict(list)
        for number, record, _new in rows:
            county = record.county_warning()
            if county:
                found[number].append(str(county))
        new = [(number, record) for number, record, is_new in rows if is_new]
        names = {record.name for _number, record in new if record.name}
        on_record = defaultdict(list)
        for other in Entrepreneur.objects.filter(name__in=names).only(
            "pk", "name", "hometown_county", "birth_year", "id_card_number"
        ):
            on_record[other.name].append(other)
        earlier = defaultdict(list)
        for number, record in new:
            for other in on_record.get(record.name, ()):
                if (not record.id_card_number or not other.id_card_number) and same_person_likely(
                    record, other
                ):
                    found[number].append(
                        gettext(
                            "%(name)s may be a person already recorded (record no. %(pk)s: same name, and "
                            "same hometown or year of birth). Check that record before confirming; if "
                            "it is the same person, correct it instead of adding this row."
                        )
                        % {"name": record.name, "pk": other.pk}
                    )
            for other_number, other in earlier.get(record.name, ()):
                if (not record.id_card_number or not other.id_card_number) and same_person_likely(
                    record, other
                ):
                    found[number].append(
                        gettext(
                            "It may describe the same person as row %(other)s (same name, and same "
                            "hometown or year of birth): keep one of them if so."
                        )
                        % {"other": other_number}
                    )
            earlier[record.name].append((number, record))
        return found


class EnterpriseResource(SpreadsheetResource):
    name = text(Enterprise, "name")
    short_name = text(Enterprise, "short_name")
    credit_code = text(Enterprise, "credit_code")
    registration_year = integer(Enterprise, "registration_year")
    legal_form = column(Enterprise, "legal_form", ChoiceWidget(Enterprise.LegalForm.choices))
    industry = column(Enterprise, "industry", ChoiceWidget(Enterprise.Industry.choices))
    status = column(Enterprise, "status", ChoiceWidget(Enterprise.Status.choices))
    founders = column(Enterprise, "founders", ListWidget(Entrepreneur, ENTREPRENEUR_KEYS))
    address = text(Enterprise, "address")
    description = text(Enterprise, "description")

    required_columns = ("企业名称",)
    code_fields = ("credit_code",)

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
    enterprise = column(Financing, "enterprise", LookupWidget(Enterprise, ENTERPRISE_KEYS))
    kind = column(Financing, "kind", ChoiceWidget(Financing.Kind.choices))
    amount = column(Financing, "amount", DecimalWidget())
    date = column(Financing, "date", DateWidget())
    borrower = column(Financing, "borrower", LookupWidget(Entrepreneur, ENTREPRENEUR_KEYS))
    provider = column(Financing, "provider", LookupWidget(Organisation))
    guarantor = column(Financing, "guarantor", LookupWidget(Organisation))
    term_months = integer(Financing, "term_months")
    notes = text(Financing, "notes")

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


class EmploymentResource(SpreadsheetResource):
    """The employee roster (带动就业花名册) as the clerks keep it: one row per person and job."""

    enterprise = column(Employment, "enterprise", LookupWidget(Enterprise, ENTERPRISE_KEYS))
    name = text(Employment, "name")
    id_card_number = text(Employment, "id_card_number")
    entrepreneur = column(Employment, "entrepreneur", LookupWidget(Entrepreneur, ENTREPRENEUR_KEYS))
    start_date = column(Employment, "start_date", DateWidget())
    end_date = column(Employment, "end_date", DateWidget())
    disabled = column(Employment, "disabled", YesNoWidget())
    social_insurance = column(Employment, "social_insurance", YesNoWidget())

    required_columns = labels(Employment, "enterprise", "name", "start_date")
    code_fields = ("id_card_number",)

    class Meta:
        model = Employment
        fields = (
            "enterprise",
            "name",
            "id_card_number",
            "entrepreneur",
            "start_date",
            "end_date",
            "disabled",
            "social_insurance",
        )
        export_order = fields

    def candidates(self, probes):
        return Q(enterprise_id__in={probe.enterprise_id for probe in probes if probe.enterprise_id})

    def match(self, probe, index):
        if not (probe.enterprise_id and probe.start_date):
            return None
        if probe.id_card_number:  # normalised (fill_derived)
            return index.one(
                enterprise_id=probe.enterprise_id,
                id_card_number=probe.id_card_number,
                start_date=probe.start_date,
            )
        return index.one(
            enterprise_id=probe.enterprise_id, name=probe.name, start_date=probe.start_date, id_card_number=""
        )

    def warnings(self, rows):
        """A person counted twice: the same ID card on another roster over an overlapping period
        (on record or on another row of the file), or founder of another enterprise. The card is
        named masked: the warning is shown to whoever imports."""
        found = defaultdict(list)
        rows = [(number, record) for number, record, _new in rows if record.id_card_number]
        cards = {record.id_card_number for _number, record in rows}
        on_record = defaultdict(list)
        for other in Employment.objects.filter(id_card_number__in=cards).select_related("enterprise"):
            on_record[other.id_card_number].append(other)
        founders = defaultdict(set)
        for card, enterprise in Enterprise.founders.through.objects.filter(
            entrepreneur__id_card_number__in=cards
        ).values_list("entrepreneur__id_card_number", "enterprise_id"):
            founders[card].add(enterprise)
        for number, record in rows:
            card = record.id_card_number
            others = [o for o in on_record[card] if o.pk != record.pk and overlaps(o, record)]
            others += [o for n, o in rows if n != number and o.id_card_number == card and overlaps(o, record)]
            for other in others:
                found[number].append(
                    gettext(
                        "%(card)s is also on the roster of %(enterprise)s from %(start)s: one person "
                        "counts once at a time."
                    )
                    % {"card": mask_id_card(card), "enterprise": other.enterprise, "start": other.start_date}
                )
            if founders[card] - {record.enterprise_id}:
                found[number].append(
                    gettext("%(card)s founded another enterprise: counted as its founder, not again here.")
                    % {"card": mask_id_card(card)}
                )
        return found


def overlaps(one, other) -> bool:
    """Whether two roster rows' periods share a day (an empty end: still employed)."""
    return (one.end_date is None or one.end_date >= other.start_date) and (
        other.end_date is None or other.end_date >= one.start_date
    )


class OperatingStatusResource(SpreadsheetResource):
    """Dated observations of enterprises' operating status (visits, tax records, the registry)."""

    enterprise = column(OperatingStatus, "enterprise", LookupWidget(Enterprise, ENTERPRISE_KEYS))
    observed_on = column(OperatingStatus, "observed_on", DateWidget())
    status = column(OperatingStatus, "status", ChoiceWidget(OperatingStatus.Status.choices))
    method = column(OperatingStatus, "method", ChoiceWidget(OperatingStatus.Method.choices))
    note = text(OperatingStatus, "note")

    required_columns = labels(OperatingStatus, "enterprise", "observed_on", "status", "method")

    class Meta:
        model = OperatingStatus
        fields = ("enterprise", "observed_on", "status", "method", "note")
        export_order = fields

    def candidates(self, probes):
        return Q(enterprise_id__in={probe.enterprise_id for probe in probes if probe.enterprise_id})

    def match(self, probe, index):
        if not (probe.enterprise_id and probe.observed_on and probe.method):
            return None
        return index.one(
            enterprise_id=probe.enterprise_id, observed_on=probe.observed_on, method=probe.method
        )
