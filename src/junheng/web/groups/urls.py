"""Education groups and pairings, mounted at /groups/."""

from django.urls import path

from junheng.web.groups import exports, scorecard_views, views

app_name = "groups"

urlpatterns = [
    path("county/<int:county_id>/", views.county, name="county"),
    path("county/<int:county_id>/new/", views.edit_group, name="new"),
    path("county/<int:county_id>/excel/", exports.county, name="excel"),
    path("county/<int:county_id>/pairings/new/", views.edit_pairing, name="new_pairing"),
    path("<int:group_id>/", views.group, name="group"),
    path("<int:group_id>/edit/", views.edit_group, name="edit"),
    path("<int:group_id>/excel/", exports.group, name="group_excel"),
    path("<int:group_id>/members/new/", views.edit_membership, name="new_member"),
    path("<int:group_id>/members/<int:membership_id>/", views.edit_membership, name="member"),
    path("<int:group_id>/activities/new/", views.add_activity, name="group_activity"),
    path("pairing/<int:pairing_id>/", views.pairing, name="pairing"),
    path("pairing/<int:pairing_id>/edit/", views.edit_pairing, name="edit_pairing"),
    path("pairing/<int:pairing_id>/activities/new/", views.add_activity, name="pairing_activity"),
    path("<int:group_id>/exchanges/new/", views.edit_exchange, name="new_exchange"),
    path("<int:group_id>/exchanges/<int:exchange_id>/", views.edit_exchange, name="exchange"),
    path("activity/<int:activity_id>/evidence/new/", views.add_evidence, name="add_evidence"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("pairing/<int:pairing_id>/reviews/new/", views.edit_review, name="new_review"),
    path("pairing/<int:pairing_id>/reviews/<int:review_id>/", views.edit_review, name="review"),
    path("county/<int:county_id>/lists/", views.lists, name="lists"),
    path(
        "county/<int:county_id>/lists/<str:kind>/<int:entry_id>/delete/", views.delete_list_entry, name="delete_entry"
    ),
    path("county/<int:county_id>/scorecard/", scorecard_views.scorecard, name="scorecard"),
    path("county/<int:county_id>/scorecard/excel/", exports.scorecard, name="scorecard_excel"),
    path("county/<int:county_id>/scorecard/items/new/", scorecard_views.edit_item, name="new_item"),
    path("county/<int:county_id>/scorecard/entries/new/", scorecard_views.enter_value, name="enter_value"),
    path("scorecard/items/<int:item_id>/", scorecard_views.edit_item, name="item"),
    path("scorecard/items/<int:item_id>/delete/", scorecard_views.delete_item, name="delete_item"),
]
