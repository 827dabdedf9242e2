"""The dashboards' URLs, mounted at /dashboards/."""

from django.urls import path

from junheng.web.dashboards import exports, views

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
    path("county/<int:county_id>/excel/", exports.county, name="county_excel"),
    path(
        "county/<int:county_id>/indicator/<str:level>/<str:indicator_id>/excel/",
        exports.indicator,
        name="indicator_excel",
    ),
    path("school/<int:school_id>/excel/", exports.school, name="school_excel"),
    path("region/<int:region_id>/excel/", exports.region, name="region_excel"),
]
