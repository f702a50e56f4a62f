"""Gallery search and the album page on a large collection: time and queries per page.

    .venv/bin/python bench/album_search.py [--photos 5000] [--database-url URL | --sqlite]

Sets up a throw-away database (a PostgreSQL database of its own, created and dropped
here, or SQLite under a temporary directory), gives one user `--photos` finished jobs
with captions (generated rows: titles, dates, places, people, reference numbers; no
image files, which these pages never read) and one album holding them all, plus a
second user with as many photos, so the index holds strangers' rows too. Then it asks
the real views through Django's test client, signed in, and prints for each page the
median time of `--repeats` requests and the number of SQL queries it made. On
PostgreSQL it also prints whether the planner answers the words from the GIN index.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_NAMES = ("Anna", "Karl", "Grete", "Jan", "Marie", "Heinrich", "Elise", "Otto", "Frieda")
LAST_NAMES = ("Schmidt", "Hansen", "Petersen", "Meyer", "Jensen", "Lorenz", "Brandt")
PLACES = ("Lübeck", "Kiel", "Travemünde", "Hamburg", "Flensburg", "Schleswig", "Eutin")
DATES = ("about {y}", "summer {y}", "{d}s", "{y}-{z}", "{y}", "early {d}s", "c. {y}")


def caption(number: int) -> dict:
    year = 1890 + number % 80
    decade = year // 10 * 10
    people = [
        f"{FIRST_NAMES[(number + k) % len(FIRST_NAMES)]} "
        f"{LAST_NAMES[(number * 3 + k) % len(LAST_NAMES)]}"
        for k in range(number % 3 + 1)
    ]
    return {
        "title": f"Box {number // 100 + 1}, photo {number % 100 + 1}",
        "description": f"Scanned from the parish archive, folder {number % 37}.",
        "date": DATES[number % len(DATES)].format(y=year, d=decade, z=year + 3),
        "place": PLACES[number % len(PLACES)],
        "people": people,
        "reference": f"PA-{number:05d}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/colorizer_album_bench"
        ),
    )
    parser.add_argument("--sqlite", action="store_true", help="measure the SQLite fallback")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="album-bench-") as folder:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="colorizer_site.settings",
            COLORIZER_VAR_DIR=str(Path(folder) / "var"),
            ALLOWED_HOSTS="testserver",
            SECURE_SSL_REDIRECT="0",
            COLORIZER_TASK_BACKEND="django_tasks.backends.dummy.DummyBackend",
        )
        if args.sqlite:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = args.database_url
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        if not args.sqlite:
            _recreate_database(args.database_url)
        try:
            run(args)
        finally:
            if not args.sqlite:
                from django.db import connections

                connections.close_all()
                _drop_database(args.database_url)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from colorizer_site.accounts.models import User
    from colorizer_site.jobs import albums, facts
    from colorizer_site.jobs.models import ColorizationJob, PhotoFacts

    call_command("migrate", verbosity=0)
    # The test client then records each response's context (the page's photo count).
    setup_test_environment()
    started = time.perf_counter()
    owner = User.objects.create_user(email="archive@example.com", password="x" * 12)
    stranger = User.objects.create_user(email="other@example.com", password="x" * 12)
    for user in (owner, stranger):
        ColorizationJob.objects.bulk_create(
            ColorizationJob(
                owner=user,
                state=ColorizationJob.State.SUCCEEDED,
                progress=100,
                cost=1,
                options={"model": "tiny", "output_format": "jpeg"},
                input_meta={"name": f"scan-{number:05d}.tif", "format": "TIFF"},
                result_meta={"format": "jpeg", "width": 1200, "height": 900},
                result_file=f"results/bench/{number}.jpg",
                thumbnail=f"thumbnails/bench/{number}.webp",
            )
            for number in range(args.photos)
        )
        # The rows save_facts would write, in one statement per user.
        PhotoFacts.objects.bulk_create(
            PhotoFacts(job=job, **facts.stored_values(job, facts.Facts.from_mapping(caption(n))))
            for n, job in enumerate(ColorizationJob.objects.filter(owner=user).order_by("id"))
        )
    album = albums.create_album(
        owner=owner, name="Parish archive", jobs=ColorizationJob.objects.filter(owner=owner)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    print(
        f"{connection.vendor}: {args.photos} photos with captions for each of 2 users, "
        f"one album of {album.entries.count()}; set up in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(owner)
    # The pages' static URLs without a collectstatic manifest, as the tests have them.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        measure(client, album, args)
    if connection.vendor == "postgresql":
        _explain(owner)


def measure(client, album, args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    last_page = (args.photos + 23) // 24
    pages = [
        ("gallery, all photos", "/gallery/"),
        ("gallery, search a person", "/gallery/?q=Grete+Hansen"),
        ("gallery, search a word beginning", "/gallery/?q=trave"),
        ("gallery, search a file name", "/gallery/?q=scan-04321"),
        ("gallery, years 1920-1925", "/gallery/?year_from=1920&year_to=1925"),
        ("gallery, album filter + search", f"/gallery/?album={album.album_id}&q=kiel"),
        ("album page, first page", f"/albums/{album.album_id}/"),
        ("album page, last page", f"/albums/{album.album_id}/?page={last_page}"),
    ]
    print(f"{'page':38} {'median ms':>10} {'queries':>8} {'photos found':>13}")
    for label, url in pages:
        timings = []
        for _ in range(args.repeats):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        page = response.context["page"]
        if os.environ.get("BENCH_SLOWEST"):
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {query['time']} s  {query['sql'][:300]}")
        print(
            f"{label:38} {statistics.median(timings) * 1000:10.1f} {len(queries):8d} "
            f"{page.paginator.count:13d}"
        )


def _explain(owner) -> None:
    """Whether PostgreSQL answers the words from the GIN index (and how long it takes)."""
    from django.db import connection

    from colorizer_site.jobs import facts
    from colorizer_site.jobs.models import ColorizationJob

    query = facts.search(ColorizationJob.objects.visible_to(owner), "Grete Hansen")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    used = "jobs_photofacts_search_gin" in plan
    runtime = [line for line in plan.splitlines() if "Execution Time" in line]
    print(f"search plan uses the GIN index: {used}; {runtime[0].strip() if runtime else ''}")


def _admin_url(url: str) -> tuple[str, str]:
    base, name = url.rsplit("/", 1)
    return f"{base}/postgres", name


def _recreate_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
