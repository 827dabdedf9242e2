"""The survey's pages: a county's surveys and their management, and the respondent's page by link."""

from django.urls import path

from junheng.web.survey import views

app_name = "survey"

urlpatterns = [
    path("county/<int:county_id>/", views.county, name="county"),
    path("<int:survey_id>/", views.survey, name="survey"),
    path("<int:survey_id>/status/", views.status, name="status"),
    path("<int:survey_id>/questions/<str:group>/", views.questions, name="questions"),
    path("<int:survey_id>/links/", views.links, name="links"),
    path("<int:survey_id>/export/", views.export, name="export"),
    path("r/<str:token>/", views.respond, name="respond"),
]
