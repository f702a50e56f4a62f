from django.http import HttpRequest


def balance(request: HttpRequest) -> dict:
    """The signed-in user's balance, shown in the header of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from colorizer_site.credits.services import balance_of

    return {"credit_balance": balance_of(user)}
