"""URLs: the API under /api/, its OpenAPI description at /api/schema/ and an
unauthenticated readiness probe at /healthz (not part of the API)."""
from django.http import HttpResponse
from django.urls import include, path

from tracker.schema import schema_view


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("api/", include("tracker.urls")),
    path("api/schema/", schema_view, name="openapi-schema"),
    path("healthz", healthz),
]
