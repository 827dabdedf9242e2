"""An organisation's overview and the county picker, mounted at /organisations/."""

from django.urls import path

from junheng.web.home import views

app_name = "home"

urlpatterns = [
    path("<int:organisation_id>/", views.organisation, name="organisation"),
    path("<int:region_id>/counties/<str:module>/", views.counties, name="counties"),
]
