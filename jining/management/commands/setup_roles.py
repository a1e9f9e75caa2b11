"""``manage.py setup_roles``: create or re-sync the staff and partner groups (safe to run again)."""

from django.core.management.base import BaseCommand

from jining.services import roles_sync


class Command(BaseCommand):
    help = "Create or update the groups bureau_editors, bureau_viewers and partners with their permissions."

    def handle(self, *args, **options):
        for name, group in roles_sync().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
