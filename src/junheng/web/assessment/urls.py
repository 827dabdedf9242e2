"""The evaluation's pages, mounted at /assessment/."""

from django.urls import path

from junheng.web.assessment import views

app_name = "assessment"

urlpatterns = [
    path("county/<int:county_id>/", views.county, name="county"),
    path("county/<int:county_id>/<int:year>/figures/", views.figures, name="figures"),
    path("county/<int:county_id>/<int:year>/judgement/<str:item_id>/", views.judgement, name="judgement"),
    path("county/<int:county_id>/<int:year>/veto/<str:key>/", views.veto, name="veto"),
    path("county/<int:county_id>/<int:year>/report/", views.report, name="report"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
