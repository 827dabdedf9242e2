from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "junheng.web.classes"
    label = "classes"
    verbose_name = "大班额台账"
