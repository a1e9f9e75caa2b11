"""The Simplified Chinese catalogue is complete, compiled, and the admin speaks Chinese by default."""

import ast
import gettext
import json
import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from entrepreneurs.models import Entrepreneur
from incubators.models import Residency

PO_FILE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def po_entries(path):
    """(flags, msgid, msgstr) of each entry of a .po file, header included, obsolete ones skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = {flag.strip() for line in lines if line.startswith("#,") for flag in line[2:].split(",")}
        strings, current = {}, None
        for line in lines:
            keyword = re.match(r"^(msgid|msgstr|msgid_plural|msgstr\[\d+\]|msgctxt) ", line)
            if keyword:
                current = keyword.group(1)
                line = line[len(current) + 1 :]
            if current and line.startswith('"'):
                strings[current] = strings.get(current, "") + line[1:-1]
        if "msgid" in strings:
            msgid = strings["msgid"]
            if "msgctxt" in strings:  # as the .mo keys it (what pgettext looks up)
                msgid = f"{strings['msgctxt']}\x04{msgid}"
            entries.append((flags, msgid, strings.get("msgstr", strings.get("msgstr[0]", ""))))
    return entries


def unescape(po_string):
    """A .po string literal's content as Python text (\\n, \\" and \\\\ escapes)."""
    return ast.literal_eval(f'"{po_string}"')


def test_po_file_has_no_untranslated_or_fuzzy_entries():
    entries = po_entries(PO_FILE)
    assert len(entries) > 100
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    untranslated = [msgid for _, msgid, msgstr in entries if msgid and not msgstr]
    assert fuzzy == []
    assert untranslated == []


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%(?:\(\w+\))?[sd]")
    for _, msgid, msgstr in po_entries(PO_FILE):
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), msgid


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (fresh machines need no gettext) and compiled from the current .po."""
    with MO_FILE.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [
        msgid
        for _, msgid, msgstr in po_entries(PO_FILE)
        if msgid and catalogue.gettext(unescape(msgid)) != unescape(msgstr)
    ]
    assert stale == [], "run: DJANGO_DEBUG=1 python manage.py compilemessages --ignore=.venv"


def test_model_names_translate():
    with translation.override("zh-hans"):
        assert str(Entrepreneur._meta.verbose_name_plural) == "返乡创业人员"
        assert str(Residency._meta.verbose_name) == "入驻记录"
        assert str(Entrepreneur.Gender.FEMALE.label) == "女"
    with translation.override("en"):
        assert str(Entrepreneur._meta.verbose_name_plural) == "entrepreneurs"


def test_admin_index_is_in_chinese_by_default(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.text
    for text in ("集宁区返乡创业服务管理系统", "返乡创业人员", "孵化载体", "报道数据", "活动系列"):
        assert text in response.text


def test_an_english_browser_gets_the_chinese_admin(staff_client):
    response = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans"' in response.text and "返乡创业人员" in response.text


def test_the_switch_changes_the_language_and_remembers_it(staff_client):
    page = staff_client.get(reverse("admin:index")).text
    assert 'action="/i18n/setlang/"' in page and 'value="en"' in page
    switched = staff_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert switched.status_code == 302 and switched["Location"] == "/admin/"
    response = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en"' in response.text
    assert "Jining returnee-entrepreneurship tracker" in response.text and "Entrepreneurs" in response.text
    assert "返乡创业人员" not in response.text
    staff_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    assert '<html lang="zh-hans"' in staff_client.get(reverse("admin:index")).text


def test_the_login_page_has_the_switch_and_an_unknown_language_is_ignored(client, db):
    assert 'action="/i18n/setlang/"' in client.get(reverse("admin:login")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-hans"' in client.get(reverse("admin:login")).text


def test_the_api_still_negotiates_the_language(partner_client):
    response = partner_client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_validation_messages_are_translated(staff_client):
    url = reverse("admin:entrepreneurs_enterprise_add")
    response = staff_client.get(url)
    data = {"name": "测试企业", "credit_code": "91150902MA0000000", "legal_form": "unknown"}
    data |= {"industry": "other", "status": "operating"}
    for inline in response.context["inline_admin_formsets"]:
        data |= {f"{inline.formset.prefix}-TOTAL_FORMS": 0, f"{inline.formset.prefix}-INITIAL_FORMS": 0}
    response = staff_client.post(url, data)
    assert "统一社会信用代码为 18 位" in str(response.context["adminform"].form.errors["credit_code"])


# --- One style of Chinese punctuation ---

#: ASCII punctuation after Chinese text: "密码. 注意", "对象: %s", "数据,但".
ASCII_PUNCTUATION_IN_CHINESE = re.compile(r"[\u4e00-\u9fff）”]\s?[.,:;?!](\s|$|[\u4e00-\u9fff])")


def test_the_projects_chinese_strings_use_full_width_punctuation():
    with MO_FILE.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    mixed = [key for key, text in catalogue.items() if key and ASCII_PUNCTUATION_IN_CHINESE.search(text)]
    assert mixed == []


def test_djangos_strings_are_translated_again_with_full_width_punctuation():
    from jining.django_strings import DJANGO_STRINGS

    singles = [text for text in DJANGO_STRINGS if isinstance(text, str)]
    assert len(singles) >= 10
    with translation.override("zh-hans"):
        shown = [translation.gettext(text) for text in singles]
        shown.append(
            translation.ngettext(
                "Ensure that there are no more than %(max)s decimal place.",
                "Ensure that there are no more than %(max)s decimal places.",
                2,
            )
        )
    assert [text for text in shown if ASCII_PUNCTUATION_IN_CHINESE.search(text)] == []
    assert "请修正重复的数据。" in shown and "确认小数不超过 %(max)s 位。" in shown


def test_the_admins_javascript_strings_use_full_width_punctuation_too(staff_client):
    script = staff_client.get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    message = (
        "You have unsaved changes on individual editable fields. "
        "If you run an action, your unsaved changes will be lost."
    )
    assert catalogue[message] == "你尚未保存一个可编辑栏位的变更。如果你进行别的动作，未保存的变更将会丢失。"
