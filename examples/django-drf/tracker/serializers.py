"""How projects, tasks and tags look on the wire."""
from rest_framework import serializers

from .models import Project, Tag, Task


class ProjectSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(source="tasks.count", read_only=True, help_text="Number of tasks.")

    class Meta:
        model = Project
        fields = ["id", "name", "description", "status", "task_count", "created_at", "archived_at"]
        read_only_fields = ["status", "created_at", "archived_at"]


class TaskSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(
        many=True, slug_field="name", queryset=Tag.objects.all(), required=False,
        help_text="Names of the task's tags (existing tags only).",
    )

    class Meta:
        model = Task
        fields = ["id", "project", "title", "notes", "status", "priority", "due_date", "tags", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]
