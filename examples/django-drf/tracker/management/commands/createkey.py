"""manage.py createkey --output PATH [--name NAME]: creates an API key and
writes it (only it, with a newline) to PATH with mode 0600. The key is never
printed."""
import os

from django.core.management.base import BaseCommand, CommandError
from rest_framework_api_key.models import APIKey


class Command(BaseCommand):
    help = "Create an API key and write it to a file (mode 0600); the key is not printed."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="file that receives the key")
        parser.add_argument("--name", default="example", help="label of the key in the database")

    def handle(self, *args, **options):
        path = options["output"]
        _, key = APIKey.objects.create_key(name=options["name"])
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(key + "\n")
            os.chmod(path, 0o600)
        except OSError as e:
            raise CommandError(f"cannot write the key to {path}: {e}") from e
        self.stdout.write(f"API key {options['name']!r} written to {path}")
