"""URLs: the API under /api/, its OpenAPI description at /api/schema/ (the
key in the Authorization header, as every call) and at /portal/schema/ (the
key in the `api_key` query parameter only), its POST operations alone at
/integrations/schema/ (the key in the Authorization header), and an
unauthenticated readiness probe at /healthz (not part of the API)."""
from django.http import HttpResponse
from django.urls import include, path

from tracker.schema import integrations_schema_view, portal_schema_view, schema_view


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("api/", include("tracker.urls")),
    path("api/schema/", schema_view, name="openapi-schema"),
    path("portal/schema/", portal_schema_view, name="portal-schema"),
    path("integrations/schema/", integrations_schema_view, name="integrations-schema"),
    path("healthz", healthz),
]
