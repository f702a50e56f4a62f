"""The shared layout: navigation, balance in the header, htmx, the 404 page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV_LABELS = ["Colorize", "Gallery", "API keys", "Credits", "Docs"]
MEMBERS_ONLY = ["web:gallery", "keys:list", "credits:ledger", "credits:buy", "webhooks:list"]


def test_visitor_sees_landing_page_with_navigation_and_sign_up(client):
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bring black-and-white photos to colour" in html
    for label in ["Home", "Docs", "Log in", "Sign up"]:
        assert f">{label}</a>" in html, label
    assert 'id="credit-balance"' not in html


def test_visitors_get_no_links_that_only_lead_to_the_log_in_page(client):
    for name in ["web:home", "docs", "account_login", "account_signup"]:
        html = client.get(reverse(name)).content.decode()
        for members_only in MEMBERS_ONLY:
            assert f'href="{reverse(members_only)}"' not in html, (name, members_only)


def test_signed_in_navigation_has_every_section(client_user):
    html = client_user.get(reverse("docs")).content.decode()
    for label in NAV_LABELS:
        assert f">{label}</a>" in html, label


def test_messages_are_a_list_inside_a_status_region(client_user, user):
    from colorizer_site.keys.services import create_key

    key, _ = create_key(user=user, name="scanner")
    response = client_user.post(reverse("keys:revoke", args=[key.id]), follow=True)
    html = response.content.decode()
    assert '<div class="messages" role="status">' in html
    assert '<ul class="messages"' not in html and 'ul role="status"' not in html


def test_favicon_is_served_at_the_root_and_linked_from_every_page(client, live_server):
    import io

    import httpx
    from PIL import Image

    html = client.get(reverse("web:home")).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert 'href="/static/img/favicon.svg" type="image/svg+xml"' in html
    response = httpx.get(live_server.url + "/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    icon = Image.open(io.BytesIO(response.content))
    assert {(16, 16), (32, 32)} <= icon.info["sizes"]
    svg = httpx.get(live_server.url + "/static/img/favicon.svg")
    assert svg.status_code == 200 and svg.text.lstrip().startswith("<svg")
    touch = httpx.get(live_server.url + "/static/img/apple-touch-icon.png")
    assert Image.open(io.BytesIO(touch.content)).size == (180, 180)


def test_signed_in_user_sees_balance_and_account_menu_on_every_page(client_user, user):
    for name in [
        "web:home",
        "web:gallery",
        "docs",
        "keys:list",
        "credits:ledger",
        "credits:buy",
        "accounts:profile",
    ]:
        response = client_user.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 200, name
        assert '<strong id="credit-balance">3</strong> credits' in html, name
        assert user.email in html, name
        assert reverse("account_logout") in html, name


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
    assert response["Location"].startswith(reverse("account_login"))


def test_committed_icons_are_what_make_favicon_draws(tmp_path):
    import numpy as np
    from django.conf import settings
    from PIL import Image

    from colorizer_site.web.management.commands.make_favicon import write_icons

    write_icons(tmp_path / "favicon.ico", tmp_path / "touch.png")
    pairs = [
        (settings.WHITENOISE_ROOT / "favicon.ico", tmp_path / "favicon.ico"),
        (settings.BASE_DIR / "static" / "img" / "apple-touch-icon.png", tmp_path / "touch.png"),
    ]
    for committed, drawn in pairs:
        ours = np.asarray(Image.open(committed).convert("RGBA"), dtype=int)
        fresh = np.asarray(Image.open(drawn).convert("RGBA"), dtype=int)
        assert ours.shape == fresh.shape and np.abs(ours - fresh).max() <= 2, committed
