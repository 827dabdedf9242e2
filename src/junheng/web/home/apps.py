from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "junheng.web.home"
    label = "home"
    verbose_name = "首页与导航"
