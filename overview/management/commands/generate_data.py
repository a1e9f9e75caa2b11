"""``manage.py generate_data --scale N``: synthetic data beside the real data; ``--remove`` deletes it.

``--scale 1`` is about one district (6,000 entrepreneurs and enterprises, 100 events, 6,300
attendances, 300 financing records); ``--scale 100`` about a province. Every generated row is marked
(see ``overview.synthetic``), so ``--remove`` deletes exactly those rows. Running it again while synthetic
data exists is refused with a message: remove first. The same ``--seed`` gives the same records.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from overview import synthetic


class Command(BaseCommand):
    help = "Generate synthetic (marked, removable) program data at --scale N, or --remove it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 ≈ one district (6,000 entrepreneurs); 100 ≈ a province.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument(
            "--remove", action="store_true", help="Delete all generated rows and nothing else."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, scale, seed, remove, no_progress, **options):
        started = time.monotonic()
        if remove:
            try:
                deleted = synthetic.remove()
            except IntegrityError as exc:
                raise CommandError(
                    f"Real records point at generated ones, so these cannot be removed: {exc}"
                ) from exc
            if not deleted:
                self.stdout.write("No synthetic data in this database.")
                return
            summary = ", ".join(f"{label}: {n:,}" for label, n in deleted.items())
            self.stdout.write(f"Removed synthetic data ({summary}) in {time.monotonic() - started:.1f} s.")
            return
        if scale <= 0:
            raise CommandError("--scale must be positive, e.g. 0.01, 1 or 100.")
        progress = synthetic.StderrProgress(
            synthetic.expected_rows(scale), enabled=not no_progress and options["verbosity"] > 0
        )
        try:
            done = synthetic.generate(scale=scale, seed=seed, progress=progress)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        summary = ", ".join(f"{label}: {n:,}" for label, n in done.items())
        self.stdout.write(
            f"Generated synthetic data at scale {scale:g} ({summary}) in {time.monotonic() - started:.1f} s; "
            "remove it with `manage.py generate_data --remove`."
        )
