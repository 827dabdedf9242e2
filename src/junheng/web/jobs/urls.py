"""A job's progress and its file, mounted at /jobs/."""

from django.urls import path

from junheng.web.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/status/", views.status, name="status"),
    path("<int:job_id>/download/", views.download, name="download"),
]
