"""The shared layout: navigation, balance in the header, htmx, the 404 page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV_LABELS = ["Colorize", "Gallery", "API keys", "Credits", "Docs"]


def test_visitor_sees_landing_page_with_navigation_and_sign_up(client):
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bring black-and-white photos to colour" in html
    for label in NAV_LABELS:
        assert f">{label}</a>" in html
    assert reverse("accounts:signup") in html
    assert 'id="credit-balance"' not in html


def test_signed_in_user_sees_balance_and_account_menu_on_every_page(client_user, user):
    for name in ["web:home", "web:gallery", "web:docs", "keys:list", "credits:ledger",
                 "credits:buy", "accounts:profile"]:
        response = client_user.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 200, name
        assert '<strong id="credit-balance">3</strong> credits' in html, name
        assert user.email in html, name
        assert reverse("accounts:logout") in html, name


def test_home_shows_colorize_section_to_signed_in_user(client_user):
    html = client_user.get(reverse("web:home")).content.decode()
    assert "Colorize a photo" in html
    assert "Bring black-and-white photos to colour" not in html


def test_pages_load_htmx_from_this_server_not_a_cdn(client):
    html = client.get(reverse("web:home")).content.decode()
    assert "htmx" in html
    assert "/static/django-htmx/" in html or "/static/django_htmx/" in html
    assert "unpkg.com" not in html and "cdn" not in html.lower()


def test_stylesheet_and_script_are_served(client, live_server):
    import httpx

    for path in ["/static/css/site.css", "/static/js/site.js"]:
        response = httpx.get(live_server.url + path)
        assert response.status_code == 200, path
    css = httpx.get(live_server.url + "/static/css/site.css").text
    for selector in [".progress-bar", ".compare", ".errorlist", "table", ".card"]:
        assert selector in css


def test_unknown_page_gets_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_gallery_asks_visitors_to_log_in(client):
    response = client.get(reverse("web:gallery"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
