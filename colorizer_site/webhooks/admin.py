from django.contrib import admin

from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "created_at", "failing_since", "disabled_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "event_type", "url", "status", "attempts", "last_status_code"]
    list_filter = ["status", "event_type"]
    exclude = ["payload"]
