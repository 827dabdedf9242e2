"""The dashboards' URLs, mounted at /dashboards/."""

from django.urls import path

from junheng.web.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("county/<int:county_id>/", views.county, name="county"),
    path(
        "county/<int:county_id>/indicator/<str:level>/<str:indicator_id>/",
        views.indicator,
        name="indicator",
    ),
    path("school/<int:school_id>/", views.school, name="school"),
    path("region/<int:region_id>/", views.region, name="region"),
]
