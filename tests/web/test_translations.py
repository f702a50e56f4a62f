"""Every shipped language translates every message, the catalogues are up to date with
the code, and no template shows English outside the translation framework."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

from tests.web.catalogues import DOMAINS, LOCALE, TRANSLATED, catalogue_paths

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"


@pytest.mark.parametrize(("language", "domain", "path"), list(catalogue_paths()))
def test_every_message_is_translated(language, domain, path):
    catalogue = polib.pofile(str(path))
    assert catalogue.metadata.get("Language") == language
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    half_plural = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]
    assert not untranslated, f"{language}/{domain}: not translated: {untranslated[:10]}"
    assert not fuzzy, f"{language}/{domain}: fuzzy: {fuzzy[:10]}"
    assert not half_plural, f"{language}/{domain}: plural forms missing: {half_plural[:10]}"
    assert not catalogue.metadata_is_fuzzy


def test_every_language_has_the_same_messages():
    for domain in DOMAINS:
        sets = {
            language: {
                (entry.msgctxt, entry.msgid)
                for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))
                if not entry.obsolete
            }
            for language in TRANSLATED
        }
        first = sets[TRANSLATED[0]]
        for language, messages in sets.items():
            assert messages == first, f"{domain}: {language} differs from {TRANSLATED[0]}"


def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    """makemessages over a copy of the project finds nothing the catalogues lack."""
    copy = tmp_path / "project"
    copy.mkdir()
    heavy = shutil.ignore_patterns("__pycache__", "*.onnx", "*.bin", "*.param", "*.pt", "*.npy")
    for name in ("colorizer_site", "templates", "static"):
        shutil.copytree(ROOT / name, copy / name, ignore=heavy)
    shutil.copy(ROOT / "manage.py", copy)
    (copy / "locale").mkdir()
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                "-l",
                "de",
                "--no-location",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "colorizer_site.settings"},
        )
        fresh = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / f"{domain}.po"))
        shipped = polib.pofile(str(LOCALE / "de" / "LC_MESSAGES" / f"{domain}.po"))
        known = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in shipped}
        missing = [
            entry.msgid
            for entry in fresh
            if (entry.msgctxt, entry.msgid, entry.msgid_plural) not in known
        ]
        assert not missing, f"{domain}: run `make messages` and translate: {missing[:10]}"


# --- the template scan ----------------------------------------------------------------

# Words that are the same in every language: the product's and others' names, formats,
# protocol words, and the units and symbols set beside numbers.
ALLOWED_WORDS = {
    "Colorizer", "API", "ZIP", "CSV", "JSON", "JPEG", "PNG", "WebP", "UTC", "URL", "OpenAPI",
    "Stripe", "Webhooks", "ms", "px", "cz", "s", "x",
}  # fmt: skip
# Elements whose content is code, not prose; and the attributes people read or hear.
CODE_ELEMENTS = {"code", "pre", "script", "style", "var", "kbd", "samp"}
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "label"}
TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
LETTERS = re.compile(r"[^\W\d_]+")
TEMPLATED_TAG = re.compile(r"</?\s[^<>]*>")
# Words a template writes that are not shown as text, with the reason.
ALLOWED_IN = {
    # The layout's CSS class, given in a block.
    "allauth/layouts/manage.html": {"manage"},
}


def _outside_translation(source: str) -> str:
    """The template with translated blocks, comments and template syntax removed; what
    is left is what the template shows as it is written."""
    kept: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            kept.append(" ")
        elif token.token_type == TokenType.TEXT and depth == 0:
            kept.append(token.contents)
        else:
            kept.append(" ")
    # A tag whose name the template chooses (`<{% if href %}a{% else %}button{% endif %}`)
    # is markup, not text.
    return TEMPLATED_TAG.sub(" ", "".join(kept))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.code_depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in CODE_ELEMENTS:
            self.code_depth += 1
        for name, value in attrs:
            is_button_value = tag == "input" and name == "value" and ("type", "submit") in attrs
            if value and (name in READ_ATTRIBUTES or is_button_value):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in CODE_ELEMENTS and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data):
        if not self.code_depth:
            self.texts.append(data)


def _english_left(text: str) -> list[str]:
    return [word for word in LETTERS.findall(text) if word not in ALLOWED_WORDS]


def _template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"})


@pytest.mark.parametrize(
    "path", _template_files(), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_shows_english_outside_the_translation_framework(path):
    shown = _outside_translation(path.read_text())
    if path.suffix == ".txt":
        # Mail and README text: file names and paths are the same in every language.
        texts = [re.sub(r"\S*[./<>_=]\S*", " ", line) for line in shown.splitlines()]
    else:
        reader = _Reader()
        reader.feed(shown)
        texts = reader.texts
    allowed = ALLOWED_IN.get(str(path.relative_to(TEMPLATES)), set())
    left = sorted({word for text in texts for word in _english_left(text)} - allowed)
    assert not left, f"{path.relative_to(TEMPLATES)} shows untranslated words: {left}"


def _shown_words(source: str) -> list[str]:
    reader = _Reader()
    reader.feed(_outside_translation(source))
    return [word for text in reader.texts for word in _english_left(text)]


def test_the_scan_catches_english_text_and_passes_translated_text():
    assert _shown_words("<p>Hello there</p>") == ["Hello", "there"]
    assert _shown_words('<img alt="A photo" src="x.png">') == ["A", "photo"]
    assert _shown_words("{# a comment #}<p>{{ name }}</p>") == []
    translated = '{% load i18n %}<p title="{% translate \'Hi\' %}">{% translate "Hello" %}</p>'
    assert _shown_words(translated) == []
    block = "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}<code>print</code>"
    assert _shown_words(block) == []
