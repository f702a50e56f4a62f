from django.db import models


class RateLimitBucket(models.Model):
    """One API key's token bucket, shared by every server process through the database."""

    api_key = models.OneToOneField(
        "keys.ApiKey", primary_key=True, on_delete=models.CASCADE, related_name="rate_limit"
    )
    tokens = models.FloatField()
    # Unix seconds of the last refill; a float keeps sub-second refills exact.
    refilled_at = models.FloatField()

    def __str__(self) -> str:
        return f"rate limit of key {self.api_key_id}"


class IdempotentRequest(models.Model):
    """The first response to a POST sent with an `Idempotency-Key`, replayed on retries."""

    api_key = models.ForeignKey(
        "keys.ApiKey", on_delete=models.CASCADE, related_name="idempotent_requests"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and parsed fields and files: a retry must
    # match it, the same key on another request is a conflict.
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still being handled.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_per_api_key")
        ]

    def __str__(self) -> str:
        return f"idempotency key {self.key!r} of key {self.api_key_id}"

    @property
    def completed(self) -> bool:
        return self.status_code is not None
