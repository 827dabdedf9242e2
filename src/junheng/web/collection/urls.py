app_name = "collection"

urlpatterns: list[object] = []
