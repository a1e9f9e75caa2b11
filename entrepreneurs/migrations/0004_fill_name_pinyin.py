"""Fill ``name_pinyin`` of the entrepreneurs and enterprises that existed before the field."""

from django.db import migrations

from entrepreneurs.pinyin import pinyin_search_text


def fill_name_pinyin(apps, schema_editor):
    for model_name, person in (("Entrepreneur", True), ("Enterprise", False)):
        model = apps.get_model("entrepreneurs", model_name)
        rows = list(model.objects.only("pk", "name"))
        for row in rows:
            row.name_pinyin = pinyin_search_text(row.name, person=person)
        model.objects.bulk_update(rows, ["name_pinyin"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("entrepreneurs", "0003_history")]

    operations = [migrations.RunPython(fill_name_pinyin, migrations.RunPython.noop)]
