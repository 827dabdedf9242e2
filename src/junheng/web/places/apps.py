from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "junheng.web.places"
    label = "places"
    verbose_name = "学位供需"
