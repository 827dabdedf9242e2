"""Education groups and pairings, mounted at /groups/."""

from django.urls import path

from junheng.web.groups import views

app_name = "groups"

urlpatterns = [
    path("county/<int:county_id>/", views.county, name="county"),
    path("county/<int:county_id>/new/", views.edit_group, name="new"),
    path("county/<int:county_id>/pairings/new/", views.edit_pairing, name="new_pairing"),
    path("<int:group_id>/", views.group, name="group"),
    path("<int:group_id>/edit/", views.edit_group, name="edit"),
    path("<int:group_id>/members/new/", views.edit_membership, name="new_member"),
    path("<int:group_id>/members/<int:membership_id>/", views.edit_membership, name="member"),
    path("<int:group_id>/activities/new/", views.add_activity, name="group_activity"),
    path("pairing/<int:pairing_id>/", views.pairing, name="pairing"),
    path("pairing/<int:pairing_id>/edit/", views.edit_pairing, name="edit_pairing"),
    path("pairing/<int:pairing_id>/activities/new/", views.add_activity, name="pairing_activity"),
]
