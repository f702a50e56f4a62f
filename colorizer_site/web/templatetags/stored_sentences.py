"""`{{ job.error_message|translated }}`: a sentence the worker stored in English, in the
reader's language (jobs.stored_sentences)."""

from django import template

from colorizer_site.jobs import stored_sentences

register = template.Library()


@register.filter
def translated(sentence: str) -> str:
    return stored_sentences.read(sentence) if sentence else sentence
