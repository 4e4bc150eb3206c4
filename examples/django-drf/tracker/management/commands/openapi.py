"""manage.py openapi [--check] [--file PATH]: writes the API's OpenAPI
description (the committed openapi.yaml) or checks that it is up to date."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.schema import generator, render_yaml

DEFAULT_FILE = Path(settings.BASE_DIR) / "openapi.yaml"


class Command(BaseCommand):
    help = "Write openapi.yaml from the views (or, with --check, fail when it is out of date)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="where to write (default: openapi.yaml)")
        parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file differs")

    def handle(self, *args, **options):
        path = Path(options["file"])
        text = render_yaml(generator().get_schema(request=None, public=True))
        if options["check"]:
            current = path.read_bytes() if path.exists() else b""
            if current != text:
                raise CommandError(f"{path} is out of date: run `python3 manage.py openapi` in examples/django-drf")
            self.stdout.write(f"{path} is up to date")
            return
        path.write_bytes(text)
        self.stdout.write(f"wrote {path}")
