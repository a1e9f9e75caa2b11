"""Load the seed article's data once: `loaddata article` unless it is already in the database; and
the rule sets bases are assessed by (incubators/rule_sets.py), unless they are there.

`make run` and the container start script use this so that restarting never overwrites what staff
have since corrected in those records. `--force` reloads (same as `manage.py loaddata article`).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from incubators.rule_sets import seed_rule_sets
from jining.models import Source

ARTICLE_SOURCE_CODE = "zggbb-20190905-jinyaoshi"


class Command(BaseCommand):
    help = "Load fixtures/article.json unless the article is already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if already loaded.")

    def handle(self, *args, force=False, **options):
        if not force and Source.objects.filter(code=ARTICLE_SOURCE_CODE).exists():
            self.stdout.write("Article data already loaded; left as it is (use --force to reload).")
        else:
            call_command("loaddata", "article", verbosity=options["verbosity"])
        created = seed_rule_sets()
        if created:
            self.stdout.write(f"Seeded {created} rule set(s) for assessing bases (incubators/rule_sets.py).")
