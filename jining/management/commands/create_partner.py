"""``manage.py create_partner NAME``: create (or find) a read-only partner account and issue it a token.

The new token is printed alone on the last line of stdout, so scripts can take it with ``tail -n 1``.
It is shown only this once: the database keeps its hash.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jining.models import Organisation
from jining.services import partner_create, token_issue


class Command(BaseCommand):
    help = (
        "Create (or find) the read-only partner API account NAME, issue it a new token and print the "
        "token alone on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Username of the partner account, e.g. the bank's short name.")
        parser.add_argument("--label", default="", help="What the token is for, e.g. the calling system.")
        parser.add_argument("--email", default="", help="Contact e-mail of the partner (new accounts only).")
        parser.add_argument(
            "--organisation", default=None, help="Code of the partner's organisation (new accounts only)."
        )

    def handle(self, *args, name, label, email, organisation, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(code=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with code {organisation!r}.")
        try:
            user, created = partner_create(username=name, email=email, organisation=org)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        token, key = token_issue(user=user, label=label or "create_partner")
        verb = "Created" if created else "Found existing"
        self.stdout.write(f"{verb} partner account {user.username!r} (read-only, no admin login).")
        self.stdout.write(
            f"Issued token {token.prefix}… valid until {token.expires:%Y-%m-%d}. "
            "It is shown only now; send it as 'Authorization: Token <token>':"
        )
        self.stdout.write(key)
