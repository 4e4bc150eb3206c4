"""Projects hold tasks; tasks carry tags."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        ARCHIVED = "archived"

    name = models.CharField(max_length=100, unique=True, help_text="Short, unique name of the project.")
    description = models.TextField(blank=True, default="", help_text="What the project is about.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE,
        help_text="Whether the project is active or archived (archive it with the archive action).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.SlugField(max_length=40, unique=True, help_text="Lower-case label, e.g. `bug`.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo"
        DOING = "doing"
        DONE = "done"

    project = models.ForeignKey(
        Project, related_name="tasks", on_delete=models.CASCADE, help_text="ID of the project the task belongs to.",
    )
    title = models.CharField(max_length=200, help_text="One line saying what to do.")
    notes = models.TextField(blank=True, default="", help_text="Longer notes.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    priority = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (urgent) to 5 (some day).",
    )
    due_date = models.DateField(null=True, blank=True, help_text="Day the task is due (YYYY-MM-DD).")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tasks", help_text="Names of the task's tags.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title
