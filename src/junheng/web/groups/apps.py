from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "junheng.web.groups"
    label = "groups"
    verbose_name = "集团化办学与结对帮扶"
