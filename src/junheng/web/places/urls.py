app_name = "places"

urlpatterns: list[object] = []
