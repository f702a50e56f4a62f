"""Prices and accepted formats for templates of any app, read from their one home.

The credits pages sit below `jobs` in the import arrows and cannot import its
prices; a template can load these tags instead of writing the numbers down again.
"""

from django import template

from colorizer_site.jobs import options
from colorizer_site.jobs.limits import accepted_formats_sentence

register = template.Library()


@register.simple_tag
def base_price() -> int:
    return options.BASE_PRICE


@register.simple_tag
def addon_price(name: str) -> int:
    return options.ADDON_PRICES[name]


@register.simple_tag
def accepted_formats() -> str:
    return accepted_formats_sentence()
