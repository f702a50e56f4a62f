"""Data rights cover albums and captions: the export holds them, deleting the account
deletes them, and the site's invariants still hold afterwards."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest

from colorizer_site.jobs import albums, facts, sharing
from colorizer_site.jobs.models import Album, AlbumPhoto, ColorizationJob, PhotoFacts, ShareLink
from colorizer_site.privacy import exports
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def collection(user: Any, submit: Any) -> tuple[Album, ColorizationJob]:
    job = submit(user)
    facts.save_facts(job, facts.Facts(title="Wedding", date="June 1948", people=("Anna", "Karl")))
    album = albums.create_album(
        owner=user, name="Grandma's album", jobs=ColorizationJob.objects.all()
    )
    return album, job


def test_the_export_holds_the_albums_and_the_captions(user: Any, submit: Any) -> None:
    album, job = collection(user, submit)
    buffer = io.BytesIO()
    exports.write_archive(user, buffer)
    archive = zipfile.ZipFile(buffer)

    captions = list(csv.DictReader(io.StringIO(archive.read("captions.csv").decode())))
    assert captions == [
        {
            "task_id": job.task_id, "title": "Wedding", "description": "", "date": "June 1948",
            "place": "", "people": "Anna; Karl", "reference": "", "year_from": "1948",
            "year_to": "1948",
        }
    ]  # fmt: skip
    listed = json.loads(archive.read("albums.json"))
    assert [(row["name"], row["task_id"]) for row in listed] == [(album.name, job.task_id)]
    assert "albums.csv" in archive.read("README.txt").decode()


def test_deleting_the_account_deletes_albums_captions_and_album_links(
    user: Any, submit: Any, client: Any
) -> None:
    album, _ = collection(user, submit)
    sharing.create_share(owner=user, album=album)
    client.force_login(user)

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not Album.objects.exists()
    assert not AlbumPhoto.objects.exists()
    assert not PhotoFacts.objects.exists()
    assert not ShareLink.objects.filter(album__isnull=False).exists()
