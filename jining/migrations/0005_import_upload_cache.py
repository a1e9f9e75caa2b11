"""Create the database cache table that holds import uploads between preview and confirm."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # No table argument: create the tables of every database cache in CACHES (jining_import_uploads).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("jining", "0004_roles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
