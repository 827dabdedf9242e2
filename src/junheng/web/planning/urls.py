"""Planning's URLs, mounted at /planning/."""

from django.urls import path

from junheng.web.planning import views

app_name = "planning"

urlpatterns = [
    path("county/<int:county_id>/", views.county_plan, name="county"),
    path("county/<int:county_id>/excel/", views.plan_excel, name="excel"),
    path("county/<int:county_id>/whatif/", views.what_if, name="whatif"),
    path("county/<int:county_id>/whatif/<int:school_id>/", views.what_if_evaluate, name="whatif-evaluate"),
]
