"""Exact-match query filters (?status=done) that describe themselves in the
OpenAPI document, without extra dependencies."""
from dataclasses import dataclass, field

from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


@dataclass(frozen=True)
class Filter:
    """One query parameter: the ORM lookup it filters on and its schema."""

    lookup: str
    description: str
    schema: dict = field(default_factory=lambda: {"type": "string"})


class FieldFilter(BaseFilterBackend):
    """Applies a view's `filter_fields` (query parameter name → Filter)."""

    def filter_queryset(self, request, queryset, view):
        for name, flt in getattr(view, "filter_fields", {}).items():
            value = request.query_params.get(name)
            if value is None or value == "":
                continue
            if flt.schema.get("type") == "integer":
                try:
                    value = int(value)
                except ValueError:
                    raise ValidationError({name: [f"expected an integer, got {value!r}"]})
            if "enum" in flt.schema and value not in flt.schema["enum"]:
                raise ValidationError({name: [f"{value!r} is not one of {', '.join(flt.schema['enum'])}"]})
            queryset = queryset.filter(**{flt.lookup: value})
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": flt.description,
                "schema": dict(flt.schema),
            }
            for name, flt in getattr(view, "filter_fields", {}).items()
        ]
