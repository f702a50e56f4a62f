"""Signals of the accounts app, so apps above it learn of account events without
importing django-allauth themselves.

`address_verified(sender=User, user=..., email=...)`: an email address of `user` is
verified (by its link, by an operator in the admin, by a social provider that vouches
for it, or by `services.mark_email_verified`). Sent inside the transaction that saves
the address, and possibly more than once for one address; receivers are idempotent.
"""

from django.dispatch import Signal

address_verified = Signal()
