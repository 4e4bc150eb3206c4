"""manage.py seed: adds a few projects, tasks and tags when the database is empty."""
import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from tracker.models import Project, Tag, Task

PROJECTS = [
    ("Website relaunch", "New design and content for the public website.", [
        ("Write the onboarding guide", "todo", 2, ["docs"]),
        ("Fix the broken signup link", "doing", 1, ["bug", "frontend"]),
        ("Pick a colour palette", "done", 4, ["design"]),
        ("Migrate the blog posts", "todo", 3, []),
        ("Add an onboarding checklist to the dashboard", "todo", 2, ["frontend"]),
    ]),
    ("Mobile app", "The iOS and Android apps.", [
        ("Crash on login with an empty password", "todo", 1, ["bug"]),
        ("Dark mode", "doing", 3, ["design", "frontend"]),
        ("Push notifications for due tasks", "todo", 3, []),
        ("Release 2.1 to the stores", "todo", 2, []),
    ]),
    ("Internal tools", "Scripts and dashboards for the support team.", [
        ("Export tickets as CSV", "done", 4, []),
        ("Weekly report e-mail", "todo", 5, ["docs"]),
        ("Rotate the database credentials", "todo", 1, ["ops"]),
    ]),
]
TAGS = ["bug", "design", "docs", "frontend", "ops"]


class Command(BaseCommand):
    help = "Add example projects, tasks and tags (only into an empty database)."

    @transaction.atomic
    def handle(self, *args, **options):
        if Project.objects.exists():
            self.stdout.write("database already has data; not seeding")
            return
        tags = {name: Tag.objects.create(name=name) for name in TAGS}
        due = datetime.date(2030, 1, 15)
        for name, description, tasks in PROJECTS:
            project = Project.objects.create(name=name, description=description)
            for i, (title, status, priority, tag_names) in enumerate(tasks):
                task = Task.objects.create(
                    project=project, title=title, status=status, priority=priority,
                    due_date=due + datetime.timedelta(days=7 * i),
                )
                task.tags.set([tags[t] for t in tag_names])
        self.stdout.write(f"seeded {Project.objects.count()} projects, {Task.objects.count()} tasks, {len(TAGS)} tags")
