from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "junheng.web.orgs"
    label = "orgs"
    verbose_name = "组织与角色"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from junheng.web.idle import mark_active

        # A fresh login counts as activity for the idle timeout (junheng.web.idle).
        user_logged_in.connect(mark_active, dispatch_uid="junheng-idle-mark-active")
