"""WSGI entry point of the example API."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exampleapi.settings")
application = get_wsgi_application()
