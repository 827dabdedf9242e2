from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "junheng.web.collection"
    label = "collection"
    verbose_name = "年度数据填报"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from junheng.web.collection.data_versions import organisation_saved
        from junheng.web.orgs.models import Organisation

        post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="junheng-data-versions")
