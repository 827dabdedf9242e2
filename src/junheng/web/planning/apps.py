from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "junheng.web.planning"
    label = "planning"
    verbose_name = "达标规划与模拟测算"
