from django.contrib import admin

from colorizer_site.notices.models import EmailNotice


@admin.register(EmailNotice)
class EmailNoticeAdmin(admin.ModelAdmin):
    list_display = ("kind", "subject_id", "user", "status", "attempts", "created_at", "sent_at")
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in EmailNotice._meta.fields]
