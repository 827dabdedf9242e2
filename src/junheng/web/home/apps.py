from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "junheng.web.home"
    label = "home"
    verbose_name = "首页与导航"

    def ready(self) -> None:
        from junheng.web.collection.data_versions import records_changed
        from junheng.web.home.refresh import records_changed as refresh

        records_changed.connect(refresh, dispatch_uid="junheng-refresh-kept")
