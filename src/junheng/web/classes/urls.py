"""The class-size ledger's URLs, mounted at /classes/."""

from django.urls import path

from junheng.web.classes import exports, views

app_name = "classes"

urlpatterns = [
    path("county/<int:county_id>/", views.county_ledger, name="county"),
    path("county/<int:county_id>/import/", views.import_classes, name="import"),
    path("county/<int:county_id>/excel/", exports.county_ledger, name="excel"),
    path("row/<int:row_id>/", views.row, name="row"),
    path("county/<int:county_id>/intake/", views.plan_intake, name="intake"),
    path("row/<int:row_id>/close/", views.close_row, name="close"),
    path("row/<int:row_id>/reject/", views.reject_row, name="reject"),
]
