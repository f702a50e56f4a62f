"""Captions and facts per photo: what they may hold, how they are saved, and how they are found.

Pages (one photo, or several at once from the gallery), CSV imports and both API
dialects all save through `save_facts`, so the limits and the year range read from
the date's words are the same whichever way facts arrive. A photo's facts are put
into its files when they are downloaded (`files.captioned_result`), not when they
are saved: the stored result stays the engine's, and a caption edited a year later
is still in the next download.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from colorizer_site.engine.captions import Caption
from colorizer_site.jobs.dates import year_range
from colorizer_site.jobs.models import ColorizationJob, PhotoFacts
from colorizer_site.lib.errors import DomainError

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

# The most characters each fact may hold; also the models' max_length.
LIMITS = {
    "title": 200,
    "description": 2000,
    "date": 100,
    "place": 200,
    "people": 2000,
    "reference": 100,
}
MAX_PEOPLE = 50
# The names of the facts, in the order pages, CSV files and the API list them.
FACT_NAMES = tuple(LIMITS)


class InvalidFacts(DomainError, ValueError):
    """Facts that cannot be saved; `str()` says which and why, in a sentence."""

    code = "invalid_facts"


@dataclass(frozen=True)
class Facts:
    """A photo's facts as given; `people` one name per entry."""

    title: str = ""
    description: str = ""
    date: str = ""
    place: str = ""
    people: tuple[str, ...] = ()
    reference: str = ""

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Facts:
        """Facts from a form, a CSV row or a JSON body; unknown keys are ignored.

        `people` may be a list, or text with one name per line or names separated
        by semicolons (the way catalogue exports write several values in one cell).
        """
        given: dict[str, Any] = {}
        for name in FACT_NAMES:
            if name not in values or values[name] is None:
                continue
            value = values[name]
            if name == "people":
                given[name] = split_people(value)
            elif not isinstance(value, str):
                raise InvalidFacts(gettext("The %(fact)s must be text.") % {"fact": name})
            else:
                given[name] = value.strip()
        return cls(**given).validated()

    def validated(self) -> Facts:
        for name in FACT_NAMES:
            value = self.people_text if name == "people" else getattr(self, name)
            if len(value) > LIMITS[name]:
                raise InvalidFacts(
                    gettext("The %(fact)s is %(length)d characters long; at most %(limit)d fit.")
                    % {"fact": name, "length": len(value), "limit": LIMITS[name]}
                )
        if len(self.people) > MAX_PEOPLE:
            raise InvalidFacts(
                gettext("At most %(count)d people can be named on one photo.")
                % {"count": MAX_PEOPLE}
            )
        return self

    @property
    def people_text(self) -> str:
        return "\n".join(self.people)

    def as_form(self) -> dict[str, str]:
        """The facts as a form's initial values: people one per line."""
        return {
            name: self.people_text if name == "people" else getattr(self, name)
            for name in FACT_NAMES
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            name: list(self.people) if name == "people" else getattr(self, name)
            for name in FACT_NAMES
        }


def split_people(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        names = [str(name) for name in value]
    elif isinstance(value, str):
        names = value.replace(";", "\n").splitlines()
    else:
        raise InvalidFacts(
            gettext("The people must be a list of names or text with one name per line.")
        )
    return tuple(name.strip() for name in names if name.strip())


def facts_of(job: ColorizationJob) -> Facts:
    """The job's facts; empty ones when none were given."""
    try:
        row = job.facts
    except PhotoFacts.DoesNotExist:
        return Facts()
    return Facts(
        title=row.title,
        description=row.description,
        date=row.date_text,
        place=row.place,
        people=tuple(row.people_list),
        reference=row.reference,
    )


def save_facts(job: ColorizationJob, facts: Facts) -> PhotoFacts:
    """Replace the job's facts with `facts` (validated), with the years of its date."""
    row, _ = PhotoFacts.objects.update_or_create(job=job, defaults=stored_values(job, facts))
    # Keep the cached relation current, so the caller reads what it just wrote.
    job.facts = row
    return row


def stored_values(job: ColorizationJob, facts: Facts) -> dict[str, Any]:
    """The PhotoFacts columns for `facts` (validated): the words, the years their date
    stands for, and the text the search indexes."""
    facts = facts.validated()
    year_from, year_to = year_range(facts.date)
    return {
        "title": facts.title,
        "description": facts.description,
        "date_text": facts.date,
        "year_from": year_from,
        "year_to": year_to,
        "place": facts.place,
        "people": facts.people_text,
        "reference": facts.reference,
        "search_text": _search_text(job, facts),
    }


def update_facts(job: ColorizationJob, changes: dict[str, Any]) -> PhotoFacts:
    """Change only the facts named in `changes` (an API PATCH, a bulk edit)."""
    given = Facts.from_mapping(changes)
    current = facts_of(job)
    merged = replace(
        current, **{name: getattr(given, name) for name in FACT_NAMES if name in changes}
    )
    return save_facts(job, merged)


def update_many(*, owner: User, task_ids: list[str], changes: dict[str, Any]) -> int:
    """Apply the same changes to several of the owner's photos; how many were changed."""
    changes = {name: value for name, value in changes.items() if name in FACT_NAMES}
    Facts.from_mapping(changes)  # refuse bad input before touching any photo
    jobs = ColorizationJob.objects.visible_to(owner).filter(task_id__in=task_ids)
    count = 0
    for job in jobs.select_related("facts"):
        update_facts(job, changes)
        count += 1
    return count


def facts_data(job: ColorizationJob) -> dict[str, Any]:
    """The job's facts as the API shows them: the words, and the years read from the date."""
    try:
        years = (job.facts.year_from, job.facts.year_to)
    except PhotoFacts.DoesNotExist:
        years = (None, None)
    return {**facts_of(job).as_dict(), "year_from": years[0], "year_to": years[1]}


def caption_of(job: ColorizationJob) -> Caption:
    """The engine's view of the job's facts, for writing them into a file."""
    facts = facts_of(job)
    try:
        year_from = job.facts.year_from
    except PhotoFacts.DoesNotExist:
        year_from = None
    return Caption(
        title=facts.title,
        description=facts.description,
        date_text=facts.date,
        year_from=year_from,
        place=facts.place,
        people=facts.people,
        reference=facts.reference,
    )


def _search_text(job: ColorizationJob, facts: Facts) -> str:
    name = job.input_meta.get("name", "")
    # The file name also without its extension and separators, so "img_0042.tif" is
    # found by "img 0042" and by "0042".
    words = name.rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
    values = [facts.title, facts.description, facts.place, facts.people_text, facts.reference]
    return "\n".join(part for part in [*values, name, words] if part)


def search(jobs: QuerySet[ColorizationJob], query: str) -> QuerySet[ColorizationJob]:
    """`jobs` whose facts or file name hold every word of `query` (word beginnings match).

    PostgreSQL answers from the full-text index on the facts (migration 0008), with
    a substring match on the file name for photos that have no facts yet; other
    databases match substrings of the facts.
    """
    words = [word for word in query.split() if word]
    if not words:
        return jobs
    if connection.vendor == "postgresql":
        # Written as the index is (migration 0008), so the planner can use it.
        matches = RawSQL(
            "to_tsvector('simple'::regconfig, search_text) @@ to_tsquery('simple', %s)",
            [_prefix_query(words)],
            output_field=BooleanField(),
        )
        matching = PhotoFacts.objects.filter(matches).values("job_id")
        by_name = Q(facts__isnull=True)
        for word in words:
            by_name &= Q(input_meta__name__icontains=word)
        return jobs.filter(Q(id__in=matching) | by_name)
    condition = Q()
    for word in words:
        condition &= Q(facts__search_text__icontains=word) | Q(input_meta__name__icontains=word)
    return jobs.filter(condition)


def _prefix_query(words: list[str]) -> str:
    """A tsquery that asks for every word as a word beginning: "ann schm" finds Anna Schmidt.

    Each word is reduced to runs of letters and digits first: tsquery has its own
    syntax (&, |, !, quotes) that a user's words must not reach.
    """
    terms = []
    for word in words:
        # "scan-0042" is indexed as the words "scan" and "0042": ask for both.
        pieces = "".join(char if char.isalnum() else " " for char in word).split()
        terms.extend(f"{piece.lower()}:*" for piece in pieces)
    return " & ".join(terms) or "''"


def in_years(
    jobs: QuerySet[ColorizationJob], *, year_from: int | None, year_to: int | None
) -> QuerySet[ColorizationJob]:
    """`jobs` whose date's years overlap [year_from, year_to]; photos with no known year
    are left out once either end is given."""
    if year_from is None and year_to is None:
        return jobs
    known = Q(facts__year_from__isnull=False) | Q(facts__year_to__isnull=False)
    jobs = jobs.filter(known)
    if year_from is not None:
        jobs = jobs.filter(Q(facts__year_to__isnull=True) | Q(facts__year_to__gte=year_from))
    if year_to is not None:
        jobs = jobs.filter(Q(facts__year_from__isnull=True) | Q(facts__year_from__lte=year_to))
    return jobs
