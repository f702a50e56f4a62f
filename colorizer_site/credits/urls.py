from django.urls import path

from colorizer_site.credits import views

app_name = "credits"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("buy/", views.buy, name="buy"),
    path("buy/<str:pack_id>/", views.checkout, name="checkout"),
    path("receipts/", views.receipts, name="receipts"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
