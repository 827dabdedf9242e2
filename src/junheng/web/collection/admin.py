from django.contrib import admin

from junheng.web.collection.models import Change, Round, SchoolRecord


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    list_display = ("county", "year", "status", "deadline")
    list_filter = ("status", "year")


@admin.register(SchoolRecord)
class SchoolRecordAdmin(admin.ModelAdmin[SchoolRecord]):
    list_display = ("school", "year", "status", "updated_at")
    list_filter = ("status", "year")
    search_fields = ("school__name", "school__code")


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin[Change]):
    list_display = ("record", "action", "field", "old", "new", "user", "at")
    list_filter = ("action",)
