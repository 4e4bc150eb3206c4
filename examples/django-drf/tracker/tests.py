"""Tests of the example API: run with `/usr/bin/python3 manage.py test`."""
import io
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APITestCase
from rest_framework_api_key.models import APIKey

from tracker.models import Project, Task
from tracker.schema import generator, render_yaml


class APITests(APITestCase):
    def setUp(self):
        call_command("seed", stdout=io.StringIO())
        _, self.key = APIKey.objects.create_key(name="test")
        self.client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.key}")

    def test_requests_without_a_valid_key_are_refused(self):
        cases = [("no header", None), ("wrong key", "Api-Key nope.nope"), ("wrong scheme", f"Bearer {self.key}")]
        for name, header in cases:
            with self.subTest(name):
                self.client.credentials(**({"HTTP_AUTHORIZATION": header} if header else {}))
                for url in ("/api/projects/", "/api/schema/"):
                    self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_list_is_paginated_searchable_and_filterable(self):
        cases = [
            ("page 1", "/api/tasks/?page_size=5", 12, 5),
            ("last page", "/api/tasks/?page_size=5&page=3", 12, 2),
            ("search", "/api/tasks/?search=onboarding", 2, 2),
            ("status", "/api/tasks/?status=done", 2, 2),
            ("tag", "/api/tasks/?tag=bug", 2, 2),
            ("project", f"/api/tasks/?project={Project.objects.get(name='Internal tools').pk}", 3, 3),
            ("search and status", "/api/tasks/?search=onboarding&status=todo", 2, 2),
            ("projects by status", "/api/projects/?status=archived", 0, 0),
        ]
        for name, url, count, n in cases:
            with self.subTest(name):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200, r.content)
                self.assertEqual(r.json()["count"], count)
                self.assertEqual(len(r.json()["results"]), n)

    def test_bad_filter_values_are_400_naming_the_parameter(self):
        for url, field in [("/api/tasks/?status=later", "status"), ("/api/tasks/?project=x", "project")]:
            with self.subTest(url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 400)
                self.assertIn(field, r.json())

    def test_crud_and_archive(self):
        r = self.client.post("/api/projects/", {"name": "Docs", "description": "Manuals"}, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        pid = r.json()["id"]
        r = self.client.post("/api/tasks/", {"project": pid, "title": "Write intro", "tags": ["docs"]}, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        tid = r.json()["id"]
        self.assertEqual(r.json()["tags"], ["docs"])
        r = self.client.patch(f"/api/tasks/{tid}/", {"status": "done"}, format="json")
        self.assertEqual((r.status_code, r.json()["status"], r.json()["title"]), (200, "done", "Write intro"))
        r = self.client.put(f"/api/projects/{pid}/", {"name": "Manuals"}, format="json")
        self.assertEqual((r.status_code, r.json()["name"]), (200, "Manuals"))
        r = self.client.post(f"/api/projects/{pid}/archive/")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "archived"))
        self.assertEqual(self.client.post(f"/api/projects/{pid}/archive/").status_code, 409)
        r = self.client.post("/api/tasks/", {"project": pid, "title": "Too late"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.client.delete(f"/api/projects/{pid}/").status_code, 204)
        self.assertFalse(Task.objects.filter(pk=tid).exists())
        self.assertEqual(self.client.get(f"/api/projects/{pid}/").status_code, 404)

    def test_schema_view_serves_the_committed_document_with_its_own_server(self):
        r = self.client.get("/api/schema/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/vnd.oai.openapi")
        served = yaml.safe_load(r.content)
        committed = yaml.safe_load((Path(settings.BASE_DIR) / "openapi.yaml").read_text())
        self.assertEqual(served["servers"], [{"url": "http://testserver"}])
        served["servers"] = committed["servers"]
        self.assertEqual(served, committed)
        r = self.client.get("/api/schema/?format=openapi-json")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["paths"].keys(), committed["paths"].keys())

    def test_portal_schema_takes_the_key_in_the_query_only(self):
        committed = yaml.safe_load((Path(settings.BASE_DIR) / "openapi.yaml").read_text())
        # The Authorization header every call takes is not accepted here.
        self.assertEqual(self.client.get("/portal/schema/").status_code, 403)
        self.client.credentials()
        for name, query in [("no key", ""), ("wrong key", "?api_key=nope.nope")]:
            with self.subTest(name):
                self.assertEqual(self.client.get(f"/portal/schema/{query}").status_code, 403)
        r = self.client.get(f"/portal/schema/?api_key={self.key}")
        self.assertEqual(r.status_code, 200)
        served = yaml.safe_load(r.content)
        served["servers"] = committed["servers"]
        self.assertEqual(served, committed)

    def test_integrations_schema_describes_the_post_operations_only(self):
        committed = yaml.safe_load((Path(settings.BASE_DIR) / "openapi.yaml").read_text())
        r = self.client.get("/integrations/schema/")
        self.assertEqual(r.status_code, 200)
        served = yaml.safe_load(r.content)
        self.assertEqual(served["servers"], [{"url": "http://testserver"}])
        want = {path: {"post": item["post"]} for path, item in committed["paths"].items() if "post" in item}
        self.assertEqual(served["paths"], want)
        self.assertEqual(sorted(want), ["/api/projects/", "/api/projects/{id}/archive/", "/api/tags/", "/api/tasks/"])
        self.client.credentials()
        self.assertEqual(self.client.get("/integrations/schema/").status_code, 403)

    def test_operation_ids_are_unique_and_readable(self):
        doc = generator().get_schema(request=None, public=True)
        ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
        self.assertEqual(len(ids), 19)
        self.assertEqual(len(set(ids)), len(ids))
        self.assertIn("archiveProject", ids)
        self.assertIn("partialUpdateTask", ids)


class CommittedSchemaTests(APITestCase):
    def test_openapi_yaml_is_up_to_date(self):
        committed = (Path(settings.BASE_DIR) / "openapi.yaml").read_bytes()
        fresh = render_yaml(generator().get_schema(request=None, public=True))
        self.assertEqual(
            committed.decode(), fresh.decode(),
            "openapi.yaml is out of date: run `python3 manage.py openapi` in examples/django-drf",
        )
