"""Dates as written on the back of a photo become a range of years for sorting and filters."""

from __future__ import annotations

import pytest

from colorizer_site.jobs.dates import year_range


@pytest.mark.parametrize(
    ("words", "years"),
    [
        ("1948", (1948, 1948)),
        ("about 1925", (1923, 1927)),
        ("c. 1900", (1898, 1902)),
        ("ca 1900", (1898, 1902)),
        ("1948?", (1946, 1950)),
        ("summer 1948", (1948, 1948)),
        ("12 June 1948", (1948, 1948)),
        ("1948-06-12", (1948, 1948)),
        ("1910s", (1910, 1919)),
        ("1940's", (1940, 1949)),
        ("early 1930s", (1930, 1933)),
        ("late 1930s", (1936, 1939)),
        ("1920-1925", (1920, 1925)),
        ("1920\u20131925", (1920, 1925)),
        ("between 1920 and 1930", (1920, 1930)),
        ("19th century", (1800, 1899)),
        ("before 1914", (None, 1913)),
        ("after 1950", (1951, None)),
        ("circa 1880s", (1878, 1891)),
    ],
)
def test_the_words_people_use_give_the_years_they_mean(words: str, years: tuple) -> None:
    assert year_range(words) == years


@pytest.mark.parametrize("words", ["", "unknown", "the war", "about the wedding"])
def test_words_without_a_year_give_no_years(words: str) -> None:
    assert year_range(words) == (None, None)
