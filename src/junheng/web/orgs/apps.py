from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "junheng.web.orgs"
    label = "orgs"
    verbose_name = "组织与角色"
