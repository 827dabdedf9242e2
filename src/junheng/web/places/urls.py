"""The school-places pages, mounted at /places/."""

from django.urls import path

from junheng.web.places import exports, views

app_name = "places"

urlpatterns = [
    path("county/<int:county_id>/", views.county, name="county"),
    path("county/<int:county_id>/map/", views.county, name="map"),  # the map heads the places page
    path("county/<int:county_id>/excel/", exports.county, name="excel"),
    path("county/<int:county_id>/map.json", views.map_json, name="map_json"),
    path("county/<int:county_id>/upload/catchments/", views.upload_catchments, name="catchments"),
    path("county/<int:county_id>/upload/<str:kind>/", views.upload, name="upload"),
]
