"""Django's makemessages, knowing the project's one extra marker: `ngettext_noop(singular,
plural)` (engine.errors), which puts a sentence stored in English into the catalogues as
one plural entry. `make messages` runs it over the project's own files (docs/languages.md)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]
