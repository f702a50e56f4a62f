"""The API's operations for captions and albums: a task's facts (read and changed), and
albums listed, created and filled. Facts can also be given when a task is created
(`FACT_PARAMS`, in both dialects)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from colorizer_site.api.spec.integrations import TASK_ID_PARAM
from colorizer_site.api.spec.params import V1_AUTH_REPLIES, Example, Operation, Param, Reply
from colorizer_site.jobs.albums import NAME_MAX
from colorizer_site.jobs.facts import LIMITS, MAX_PEOPLE

_FACT_WORDS = {
    "title": "The photo's title.",
    "description": "What it shows, as a caption.",
    "date": 'When it was taken, as people know it: "about 1925", "summer 1948", "1910s", '
    '"1920-1925". The years it stands for are read from it for filtering.',
    "place": "Where it was taken.",
    "people": "Who is shown.",
    "reference": "An archive's reference or inventory number.",
}
# Form fields of the create calls: text, the people separated by semicolons.
FACT_PARAMS = tuple(
    Param(
        name,
        f"Optional caption: {words} At most {LIMITS[name]} characters."
        + (" Several names are separated by semicolons." if name == "people" else ""),
    )
    for name, words in _FACT_WORDS.items()
)
# The same facts as a JSON body; only the ones sent change.
FACT_JSON_PARAMS = tuple(
    Param(
        name,
        f"{words} At most {LIMITS[name]} characters"
        + (f", {MAX_PEOPLE} names." if name == "people" else ".")
        + " An empty value clears it.",
        kind="list" if name == "people" else "string",
        location="json",
    )
    for name, words in _FACT_WORDS.items()
)
ALBUM_ID_PARAM = Param(
    "album_id", _("The album's id."), location="path", required=True, example="ALBUM_ID"
)
TASK_IDS = Param(
    "task_ids",
    _("Tasks of your account to add, in order; ones already in the album are left where they are."),
    kind="list",
    location="json",
    example='["TASK_ID"]',
)
_NOT_YOURS = Reply(404, _("No task with this id belongs to this key's account."), "error")

GET_TASK_FACTS = Operation(
    operation_id="getTask",
    method="GET",
    path="/api/v1/tasks/{task_id}",
    dialect="v1",
    summary=_("A task with its caption and facts"),
    description=_(
        "The task as the task list shows it, with its `facts` and the `albums` it is in."
    ),
    params=(TASK_ID_PARAM,),
    replies=(Reply(200, _("The task and its facts."), "task-facts"), *V1_AUTH_REPLIES, _NOT_YOURS),
    examples=(Example(_("Read a task's facts"), {"task_id": "TASK_ID"}),),
)

UPDATE_TASK_FACTS = Operation(
    operation_id="updateTaskFacts",
    method="PATCH",
    path="/api/v1/tasks/{task_id}",
    dialect="v1",
    summary=_("Change a task's caption and facts"),
    description=(
        _(
            "Send a JSON object with any of the facts; the others stay as they are. Every "
            "download of the result, in any format and in ZIPs, carries them as IPTC/XMP "
            "fields (title, description, date created, location shown, persons shown, "
            "identifier)."
        )
    ),
    params=(TASK_ID_PARAM, *FACT_JSON_PARAMS),
    replies=(
        Reply(200, _("The task with its facts as they are now."), "task-facts"),
        Reply(400, _("Not a JSON object, or a fact too long or of the wrong type."), "error"),
        *V1_AUTH_REPLIES,
        _NOT_YOURS,
    ),
    examples=(
        Example(
            _("Caption a photo"),
            {
                "task_id": "TASK_ID",
                "title": "Wedding of Anna and Karl",
                "date": "summer 1948",
                "place": "Lübeck",
                "people": '["Anna Schmidt", "Karl Schmidt"]',
                "reference": "B12/034",
            },
        ),
    ),
)

LIST_ALBUMS = Operation(
    operation_id="listAlbums",
    method="GET",
    path="/api/v1/albums",
    dialect="v1",
    summary=_("List your albums"),
    description=_("The account's albums by name, with how many photos each holds."),
    replies=(Reply(200, _("The albums."), "album-list"), *V1_AUTH_REPLIES),
    examples=(Example(_("Your albums")),),
)

CREATE_ALBUM = Operation(
    operation_id="createAlbum",
    method="POST",
    path="/api/v1/albums",
    dialect="v1",
    summary=_("Create an album"),
    description=_("A new album, with tasks of your account in it if `task_ids` is given."),
    params=(
        Param(
            "name",
            f"The album's name, at most {NAME_MAX} characters.",
            location="json",
            required=True,
            example="Grandma's album",
        ),
        TASK_IDS,
    ),
    replies=(
        Reply(201, _("The album, with its tasks in order."), "album"),
        Reply(400, _("Not a JSON object, no name, or a name too long."), "error"),
        *V1_AUTH_REPLIES,
    ),
    examples=(Example(_("Make an album"), {"name": "Grandma's album"}),),
)

GET_ALBUM = Operation(
    operation_id="getAlbum",
    method="GET",
    path="/api/v1/albums/{album_id}",
    dialect="v1",
    summary=_("An album and its tasks"),
    description=_("The album with the ids of its tasks, in the album's order."),
    params=(ALBUM_ID_PARAM,),
    replies=(
        Reply(200, _("The album."), "album"),
        *V1_AUTH_REPLIES,
        Reply(404, _("No album with this id belongs to this key's account."), "error"),
    ),
    examples=(Example(_("Read an album"), {"album_id": "ALBUM_ID"}),),
)

ADD_TO_ALBUM = Operation(
    operation_id="addToAlbum",
    method="POST",
    path="/api/v1/albums/{album_id}/tasks",
    dialect="v1",
    summary=_("Add tasks to an album"),
    description=_("Appends your tasks to the album in the order given."),
    params=(ALBUM_ID_PARAM, TASK_IDS),
    replies=(
        Reply(200, _("The album with its tasks in order."), "album"),
        Reply(400, _("Not a JSON object, or task_ids not a list of task ids."), "error"),
        *V1_AUTH_REPLIES,
        Reply(404, _("No album with this id belongs to this key's account."), "error"),
    ),
    examples=(
        Example(_("Put a task in the album"), {"album_id": "ALBUM_ID", "task_ids": '["TASK_ID"]'}),
    ),
)
