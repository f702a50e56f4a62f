"""Albums: made, renamed and deleted (the photos stay), filled in order from the gallery or a
whole batch, left by a photo deleted from the gallery, and shared with the usual rules."""

from __future__ import annotations

from typing import Any

import pytest

from colorizer_site.jobs import albums, files, sharing
from colorizer_site.jobs.models import Album, ColorizationJob

pytestmark = pytest.mark.django_db


def test_an_album_holds_photos_in_the_order_they_were_added(user: Any, submit: Any) -> None:
    first, second, third = submit(user), submit(user), submit(user)
    album = albums.create_album(owner=user, name="  Grandma's   album ")
    assert album.name == "Grandma's album"
    assert albums.add_photos(album, ColorizationJob.objects.filter(id=third.id)) == 1
    assert (
        albums.add_photos(album, ColorizationJob.objects.filter(id__in=[first.id, third.id])) == 1
    )
    albums.add_photos(album, ColorizationJob.objects.filter(id=second.id))
    assert list(albums.photos_of(album)) == [third, first, second]

    albums.move_photo(album, task_id=second.task_id, offset=-2)
    assert list(albums.photos_of(album)) == [second, third, first]


def test_another_users_photos_never_enter_an_album(user: Any, make_user: Any, submit: Any) -> None:
    stranger = make_user(email="s@example.com", credits=5)
    theirs = submit(stranger)
    album = albums.create_album(owner=user, name="Mine")
    assert albums.add_photos(album, ColorizationJob.objects.filter(id=theirs.id)) == 0


def test_deleting_an_album_keeps_its_photos(user: Any, submit: Any) -> None:
    job = submit(user)
    album = albums.create_album(owner=user, name="Box 12", jobs=ColorizationJob.objects.all())
    albums.delete_album(album)
    assert not Album.objects.exists()
    assert ColorizationJob.objects.visible_to(user).get() == job


def test_a_photo_deleted_from_the_gallery_leaves_its_albums(user: Any, submit: Any) -> None:
    kept, deleted = submit(user), submit(user)
    album = albums.create_album(owner=user, name="Box 12", jobs=ColorizationJob.objects.all())
    files.delete_jobs(owner=user, task_ids=[deleted.task_id])
    assert list(albums.photos_of(album)) == [kept]
    assert album.entries.count() == 1


def test_names_are_required_and_limited(user: Any) -> None:
    with pytest.raises(albums.InvalidAlbum, match="Give the album a name"):
        albums.create_album(owner=user, name="   ")
    album = albums.create_album(owner=user, name="A")
    with pytest.raises(albums.InvalidAlbum, match="at most 200"):
        albums.rename_album(album, name="x" * 201)
    assert albums.rename_album(album, name="Box 13").name == "Box 13"


def test_a_shared_album_opens_until_revoked_and_shows_only_colorized_photos(
    user: Any, submit: Any
) -> None:
    done = submit(user)
    waiting = submit(user, run=False)
    album = albums.create_album(owner=user, name="Family", jobs=ColorizationJob.objects.all())
    link, token = sharing.create_share(owner=user, album=album, expires_in_days=7)
    opened = sharing.open_share(token)
    assert list(sharing.shared_photos(opened)) == [done]
    assert sharing.shared_job(opened, done.task_id) == done
    with pytest.raises(sharing.ShareNotFound):
        sharing.shared_job(opened, waiting.task_id)
    sharing.revoke_share(link)
    with pytest.raises(sharing.ShareNotFound):
        sharing.open_share(token)


def test_an_empty_album_cannot_be_shared(user: Any) -> None:
    album = albums.create_album(owner=user, name="Empty")
    with pytest.raises(sharing.CannotShare, match="no colorized photos"):
        sharing.create_share(owner=user, album=album)
