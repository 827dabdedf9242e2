"""The collection's pages: a school's form and audit trail, a county's round, tracker, import and review."""

from django.urls import path

from junheng.web.collection import downloads, stats_views, views

app_name = "collection"

urlpatterns = [
    path("school/<int:school_id>/", views.school, name="school"),
    path("school/<int:school_id>/validate/<int:year>/", views.validate, name="validate"),
    path("school/<int:school_id>/history/", views.history, name="history"),
    path("county/<int:county_id>/", views.county, name="county"),
    path("county/<int:county_id>/rounds/", views.open_round, name="open_round"),
    path("county/<int:county_id>/import/", views.import_workbook, name="import"),
    path("county/<int:county_id>/statistics/", stats_views.upload, name="statistics_upload"),
    path("county/<int:county_id>/statistics/<str:token>/", stats_views.preview, name="statistics"),
    path("county/<int:county_id>/export/", downloads.county_workbook, name="export"),
    path("county/<int:county_id>/tracker.xlsx", downloads.tracker_excel, name="tracker_excel"),
    path("school/<int:school_id>/history.xlsx", downloads.history_excel, name="history_excel"),
    path("county/<int:county_id>/approve/", views.bulk_approve, name="bulk_approve"),
    path("county/<int:county_id>/review/<int:record_id>/", views.review, name="review"),
]
