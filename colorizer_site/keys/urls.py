from django.urls import path

app_name = "keys"

urlpatterns: list = []
