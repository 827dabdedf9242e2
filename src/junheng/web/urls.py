"""The platform's URLs: each app brings its own; this file only mounts them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from junheng.web import views
from junheng.web.home import views as home

handler400 = views.bad_request

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/", include("junheng.web.home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("collection/", include("junheng.web.collection.urls")),
    path("dashboards/", include("junheng.web.dashboards.urls")),
    path("api/", include("junheng.web.api.urls")),
    path("survey/", include("junheng.web.survey.urls")),
    path("assessment/", include("junheng.web.assessment.urls")),
    path("planning/", include("junheng.web.planning.urls")),
    path("classes/", include("junheng.web.classes.urls")),
    path("groups/", include("junheng.web.groups.urls")),
    path("places/", include("junheng.web.places.urls")),
    path("jobs/", include("junheng.web.jobs.urls")),
    path("admin/", admin.site.urls),
]
