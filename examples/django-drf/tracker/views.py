"""The API: one viewset per resource, plus the project archive action."""
from django.utils import timezone
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .filters import Filter
from .models import Project, Tag, Task
from .schema import Schema
from .serializers import ProjectSerializer, TagSerializer, TaskSerializer


class ProjectViewSet(viewsets.ModelViewSet):
    """
    list:
    List projects.

    Paginated; `search` matches the name and description, `status` keeps active or archived projects.

    retrieve:
    Get one project by ID.

    create:
    Create a project.

    update:
    Replace a project.

    Send every required field; fields left out keep their values.

    partial_update:
    Update some fields of a project.

    destroy:
    Delete a project and all its tasks.

    archive:
    Archive a project.

    Sets its status to `archived`; archiving an archived project is an error (409).
    """

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["id", "name", "created_at"]
    filter_fields = {
        "status": Filter("status", "Only projects with this status.", {"type": "string", "enum": Project.Status.values}),
    }
    schema = Schema(tags=["projects"], bodyless_actions=["archive"])

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        project = self.get_object()
        if project.status == Project.Status.ARCHIVED:
            return Response({"detail": f"project {project.pk} is already archived"}, status=status.HTTP_409_CONFLICT)
        project.status = Project.Status.ARCHIVED
        project.archived_at = timezone.now()
        project.save(update_fields=["status", "archived_at"])
        return Response(self.get_serializer(project).data)


class TaskViewSet(viewsets.ModelViewSet):
    """
    list:
    List tasks.

    Paginated; `search` matches the title and notes; filter by `project`, `status`, `tag` or `priority`.

    retrieve:
    Get one task by ID.

    create:
    Create a task in a project.

    update:
    Replace a task.

    partial_update:
    Update some fields of a task.

    Typical use: set `status` to `done`.

    destroy:
    Delete a task.
    """

    queryset = Task.objects.select_related("project").prefetch_related("tags")
    serializer_class = TaskSerializer
    search_fields = ["title", "notes"]
    ordering_fields = ["id", "priority", "due_date", "created_at"]
    filter_fields = {
        "project": Filter("project_id", "Only tasks of this project (ID).", {"type": "integer"}),
        "status": Filter("status", "Only tasks with this status.", {"type": "string", "enum": Task.Status.values}),
        "tag": Filter("tags__name", "Only tasks carrying this tag (name).", {"type": "string"}),
        "priority": Filter("priority", "Only tasks with this priority (1-5).", {"type": "integer"}),
    }
    schema = Schema(tags=["tasks"])

    def perform_create(self, serializer):
        if serializer.validated_data["project"].status == Project.Status.ARCHIVED:
            raise ValidationError({"project": ["cannot add tasks to an archived project"]})
        serializer.save()


class TagViewSet(viewsets.ModelViewSet):
    """
    list:
    List tags.

    retrieve:
    Get one tag by ID.

    create:
    Create a tag.

    update:
    Rename a tag.

    partial_update:
    Rename a tag (partial update).

    destroy:
    Delete a tag; tasks keep their other tags.
    """

    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    schema = Schema(tags=["tags"])
