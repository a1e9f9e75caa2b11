"""Make sure a local staff login exists, for `make run` on a developer's machine.

Only with DJANGO_DEBUG on: production accounts are made with `createsuperuser`. The password
comes from DJANGO_LOCAL_ADMIN_PASSWORD or is generated afresh on every run and printed.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create or reset the local development staff login (DJANGO_DEBUG only) and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_local_staff only runs with DJANGO_DEBUG=1. "
                "In production create accounts with `python manage.py createsuperuser`."
            )
        password = os.environ.get("DJANGO_LOCAL_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} local staff login. Open http://127.0.0.1:8000/admin/ and log in with:")
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
