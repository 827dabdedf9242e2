from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "junheng.web.collection"
    label = "collection"
    verbose_name = "年度数据填报"
