"""Captions and facts per photo: saved with their year range, found by search and years,
imported from and exported to CSV, and written into every download."""

from __future__ import annotations

import io
import json
import subprocess
from typing import Any

import pytest
from PIL import Image

from colorizer_site.jobs import captions_csv, facts, files
from colorizer_site.jobs.models import ColorizationJob, PhotoFacts

pytestmark = pytest.mark.django_db


def named(submit: Any, owner: Any, name: str, **kwargs: Any) -> ColorizationJob:
    job = submit(owner, **kwargs)
    ColorizationJob.objects.filter(id=job.id).update(input_meta={**job.input_meta, "name": name})
    job.refresh_from_db()
    return job


def test_saving_keeps_the_words_and_reads_the_years(user: Any, submit: Any) -> None:
    job = submit(user)
    facts.save_facts(
        job,
        facts.Facts.from_mapping(
            {"title": " Wedding ", "date": "summer 1948", "people": "Anna; Karl\nGrete"}
        ),
    )
    row = PhotoFacts.objects.get(job=job)
    assert (row.title, row.date_text, row.year_from, row.year_to) == (
        "Wedding",
        "summer 1948",
        1948,
        1948,
    )
    assert row.people_list == ["Anna", "Karl", "Grete"]


def test_too_long_facts_are_refused_with_a_sentence(user: Any, submit: Any) -> None:
    with pytest.raises(facts.InvalidFacts, match="title is 201 characters long"):
        facts.Facts.from_mapping({"title": "x" * 201})


def test_a_partial_update_changes_only_what_it_names(user: Any, submit: Any) -> None:
    job = submit(user)
    facts.save_facts(job, facts.Facts(title="Beach", place="Sylt"))
    facts.update_facts(job, {"place": "Amrum"})
    assert facts.facts_of(job) == facts.Facts(title="Beach", place="Amrum")


def test_search_finds_word_beginnings_across_facts_and_file_names(
    user: Any, make_user: Any, submit: Any
) -> None:
    anna = named(submit, user, "scan_0001.tif")
    facts.save_facts(anna, facts.Facts(people=("Anna Schmidt",), place="Lübeck"))
    plain = named(submit, user, "harbour-1950.jpg")
    stranger = make_user(email="other@example.com", credits=5)
    theirs = submit(stranger)
    facts.save_facts(theirs, facts.Facts(people=("Anna Schmidt",)))

    mine = ColorizationJob.objects.visible_to(user)
    assert list(facts.search(mine, "schmi")) == [anna]
    assert list(facts.search(mine, "anna lübeck")) == [anna]
    assert list(facts.search(mine, "scan 0001")) == [anna]
    assert list(facts.search(mine, "harbour")) == [plain]
    assert list(facts.search(mine, "anna harbour")) == []
    # tsquery's own syntax in a user's words is only words.
    assert list(facts.search(mine, "anna & !(|")) == [anna]


def test_the_year_filter_keeps_photos_whose_range_overlaps(user: Any, submit: Any) -> None:
    twenties = submit(user)
    facts.save_facts(twenties, facts.Facts(date="about 1925"))
    fifties = submit(user)
    facts.save_facts(fifties, facts.Facts(date="1950s"))
    submit(user)  # no date at all

    mine = ColorizationJob.objects.visible_to(user)
    assert list(facts.in_years(mine, year_from=1926, year_to=1930)) == [twenties]
    assert list(facts.in_years(mine, year_from=1955, year_to=None)) == [fifties]
    assert set(facts.in_years(mine, year_from=None, year_to=None)) == set(mine)


def test_csv_import_matches_file_names_and_reports_the_rest(user: Any, submit: Any) -> None:
    first = named(submit, user, "IMG_0001.JPG")
    second = named(submit, user, "img_0002.jpg")
    data = (
        "Filename;Title;Date;Persons;Location;Reference number\n"
        'img_0001.jpg;Wedding;June 1948;"Anna Schmidt; Karl";Lübeck;B12/1\n'
        "img_0002.tif;Beach;1950s;;Sylt;B12/2\n"
        "img_9999.jpg;Lost;;;;\n"
    ).encode("utf-8-sig")
    report = captions_csv.import_captions([first, second], data)
    assert report.updated == 2
    assert report.unmatched == ["img_9999.jpg"]
    assert facts.facts_of(first).people == ("Anna Schmidt", "Karl")
    assert facts.facts_of(second) == facts.Facts(
        title="Beach", date="1950s", place="Sylt", reference="B12/2"
    )


def test_a_csv_without_a_file_name_column_is_refused(user: Any, submit: Any) -> None:
    with pytest.raises(captions_csv.InvalidCsv, match="file_name column"):
        captions_csv.import_captions([], b"title,date\nA,1920\n")


def test_the_export_reads_back_as_the_same_facts(user: Any, submit: Any) -> None:
    job = named(submit, user, "a.jpg")
    facts.save_facts(job, facts.Facts(title="T", people=("A", "B"), reference="R-1"))
    exported = captions_csv.export_captions([job])
    assert (
        exported.splitlines()[0]
        == "file_name,title,description,date,place,people,reference,task_id"
    )
    facts.save_facts(job, facts.Facts())
    report = captions_csv.import_captions([job], exported.encode())
    assert report.updated == 1
    assert facts.facts_of(job) == facts.Facts(title="T", people=("A", "B"), reference="R-1")


@pytest.mark.parametrize("output_format", ["jpeg", "png", "webp"])
def test_every_download_format_carries_the_caption(
    user: Any, submit: Any, tmp_path: Any, output_format: str
) -> None:
    job = submit(user, output_format="png")
    facts.save_facts(job, facts.Facts(title="Harbour", people=("Jan",), reference="K-7"))
    data, _ = files.captioned_result(job, output_format)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format.lower() == output_format
    path = tmp_path / f"result.{output_format}"
    path.write_bytes(data)
    tags = json.loads(
        subprocess.run(
            ["exiftool", "-json", "-XMP:all", str(path)], capture_output=True, check=True
        ).stdout
    )[0]
    assert (tags["Title"], tags["PersonInImage"], tags["Identifier"]) == ("Harbour", "Jan", "K-7")
    assert tags["AISystemUsed"]


def test_a_zip_holds_the_captions_in_its_files_and_as_csv(
    user: Any, submit: Any, tmp_path: Any
) -> None:
    import csv
    import zipfile

    from colorizer_site.jobs.batches import stream_photos_zip

    captioned = named(submit, user, "wedding.jpg")
    named(submit, user, "plain.jpg")
    facts.save_facts(captioned, facts.Facts(title="Wedding", people=("Anna",)))
    data = b"".join(stream_photos_zip(ColorizationJob.objects.order_by("id")))
    archive = zipfile.ZipFile(io.BytesIO(data))

    assert archive.namelist() == ["wedding-colorized.jpg", "plain-colorized.jpg", "captions.csv"]
    rows = list(csv.DictReader(io.StringIO(archive.read("captions.csv").decode())))
    assert [(row["file_name"], row["title"], row["people"]) for row in rows] == [
        ("wedding-colorized.jpg", "Wedding", "Anna"),
        ("plain-colorized.jpg", "", ""),
    ]
    archive.extractall(tmp_path)
    tags = json.loads(
        subprocess.run(
            ["exiftool", "-json", "-XMP:all", str(tmp_path / "wedding-colorized.jpg")],
            capture_output=True,
            check=True,
        ).stdout
    )[0]
    assert (tags["Title"], tags["PersonInImage"]) == ("Wedding", "Anna")
