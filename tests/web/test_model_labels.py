"""Models are described by what they are good at, on the form and in the API docs."""

import re

import pytest
from django.urls import reverse

from colorizer_site.jobs import options

pytestmark = pytest.mark.django_db
# Words that describe a model by its failings; a label says what the model is for.
FAILING_WORDS = re.compile(r"\b(wrong|worse|worst|less|inferior|poor|bad|nearly|still training)\b")


def test_every_offered_model_has_a_label_that_says_what_it_is_good_at():
    for name in options.model_choices():
        label = options.model_label(name)
        assert label != name and label.lower().startswith(name), label
        assert ", for " in label, label  # what it is for: keeping photos, quick looks
        assert not FAILING_WORDS.search(label.lower()), label


def test_the_colorize_form_and_the_api_docs_show_the_labels(client_user):
    form = client_user.get(reverse("web:home")).content.decode()
    docs = client_user.get(reverse("docs")).content.decode()
    for name in options.model_choices():
        assert f">{options.model_label(name)}</option>" in form
        assert options.model_label(name) in docs
