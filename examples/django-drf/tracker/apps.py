from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The task tracker: projects, their tasks, and tags on tasks."""

    name = "tracker"
    default_auto_field = "django.db.models.BigAutoField"
