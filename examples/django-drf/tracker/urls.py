"""Routes of the tracker API."""
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("projects", views.ProjectViewSet)
router.register("tasks", views.TaskViewSet)
router.register("tags", views.TagViewSet)

urlpatterns = router.urls
