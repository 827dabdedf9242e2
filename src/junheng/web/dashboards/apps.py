from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "junheng.web.dashboards"
    label = "dashboards"
    verbose_name = "看板"
