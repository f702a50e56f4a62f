"""The bookkeeping that must hold however the service was loaded or broken.

Checked from the database and the media storage after a soak or a fault
(`manage.py check_invariants`, bench/soak.py, bench/faults.py) and in tests:

- every job has ended (succeeded or failed), once the queue has drained;
- no job was both refunded in full and delivered;
- each job was charged its cost once; a failed one was refunded exactly that;
- every wallet equals the sum of its ledger, and its last row's balance_after;
- the credits charged equal those kept by successful jobs plus those refunded;
- every file a job still shown names exists, and no stored job file belongs to no job;
- an album holds only its owner's photos, none removed from the gallery, and a caption
  belongs to a photo still in the gallery.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery, Sum

from colorizer_site.credits.models import CreditEntry, Wallet
from colorizer_site.jobs.models import AlbumPhoto, ColorizationJob, PhotoFacts

State = ColorizationJob.State
_FILE_FIELDS = ("input_file", "result_file", "thumbnail")
# Folders of the media storage that hold job files (jobs' upload_to).
JOB_FILE_FOLDERS = ("inputs", "results", "thumbnails")
# At most this many examples per broken invariant, so a report stays readable.
_EXAMPLES = 10


@dataclass
class Report:
    jobs: int = 0
    wallets: int = 0
    files: int = 0
    credits_charged: int = 0
    credits_kept: int = 0
    credits_refunded: int = 0
    credits_in_flight: int = 0
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Facts worth knowing that break nothing.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, invariant: str, example: str) -> None:
        self.problems[invariant].append(example)

    def summary(self) -> str:
        lines = [
            f"{self.jobs} jobs, {self.wallets} wallets, {self.files} stored job files; "
            f"credits charged {self.credits_charged} = kept {self.credits_kept} "
            f"+ refunded {self.credits_refunded} + in flight {self.credits_in_flight}"
        ]
        lines += [f"note: {note}" for note in self.notes]
        for invariant, examples in self.problems.items():
            shown = ", ".join(examples[:_EXAMPLES])
            more = f" (+{len(examples) - _EXAMPLES} more)" if len(examples) > _EXAMPLES else ""
            lines.append(f"BROKEN {invariant}: {len(examples)}: {shown}{more}")
        if self.ok:
            lines.append("all invariants hold")
        return "\n".join(lines)


def check(*, require_terminal: bool = True, check_files: bool = True) -> Report:
    """Check every invariant; `require_terminal=False` while jobs may still be running."""
    report = Report()
    _check_jobs_and_ledger(report, require_terminal=require_terminal)
    _check_wallets(report)
    _check_albums(report)
    if check_files:
        _check_files(report)
    return report


def _check_albums(report: Report) -> None:
    strangers = AlbumPhoto.objects.exclude(job__owner=F("album__owner"))
    for entry in strangers.values_list("album__album_id", "job__task_id")[:_EXAMPLES]:
        report.add("an album holds only its owner's photos", f"{entry[0]}: {entry[1]}")
    removed = AlbumPhoto.objects.filter(job__deleted_at__isnull=False)
    for entry in removed.values_list("album__album_id", "job__task_id")[:_EXAMPLES]:
        report.add("a photo removed from the gallery leaves its albums", f"{entry[0]}: {entry[1]}")
    orphaned = PhotoFacts.objects.filter(job__deleted_at__isnull=False)
    for task_id in orphaned.values_list("job__task_id", flat=True)[:_EXAMPLES]:
        report.add("a removed photo's caption is deleted with it", task_id)


def _check_jobs_and_ledger(report: Report, *, require_terminal: bool) -> None:
    money: dict[int, dict[str, int]] = defaultdict(lambda: {"charge": 0, "refund": 0, "n": 0})
    for job_id, kind, delta in CreditEntry.objects.filter(
        job__isnull=False, kind__in=[CreditEntry.Kind.CHARGE, CreditEntry.Kind.REFUND]
    ).values_list("job_id", "kind", "delta"):
        money[job_id][kind] += delta
        money[job_id]["n"] += kind == CreditEntry.Kind.CHARGE
    jobs = ColorizationJob.objects.values_list(
        "id", "task_id", "state", "cost", "result_file", "deleted_at"
    )
    for job_id, task_id, state, cost, result_file, deleted_at in jobs.iterator():
        report.jobs += 1
        charged, refunded = -money[job_id]["charge"], money[job_id]["refund"]
        finished = state == State.SUCCEEDED or state < 0
        if require_terminal and not finished:
            report.add("every job has ended", f"{task_id} in state {state}")
        if money[job_id]["n"] != (1 if cost else 0) or charged != cost:
            report.add("each job charged its cost once", f"{task_id} cost {cost} charged {charged}")
        report.credits_charged += charged
        report.credits_refunded += refunded
        if state == State.SUCCEEDED:
            if cost and refunded >= cost:
                report.add("no job both refunded and delivered", task_id)
            if not result_file and deleted_at is None:
                report.add("every success has its result", task_id)
            report.credits_kept += charged - refunded
        elif state < 0:
            if refunded != charged:
                report.add(
                    "a failed job is refunded its charge",
                    f"{task_id} charged {charged} refunded {refunded}",
                )
            if result_file:
                report.add("no job both refunded and delivered", f"{task_id} failed with a result")
        else:
            report.credits_in_flight += charged - refunded
            if refunded:
                report.add("no refund before a job ends", task_id)
    accounted = report.credits_kept + report.credits_refunded + report.credits_in_flight
    if report.credits_charged != accounted:
        report.add(
            "charges equal successful jobs plus refunds",
            f"{report.credits_charged} != kept {report.credits_kept} + refunded "
            f"{report.credits_refunded} + in flight {report.credits_in_flight}",
        )


def _check_wallets(report: Report) -> None:
    sums = dict(CreditEntry.objects.values_list("user_id").annotate(total=Sum("delta")).order_by())
    latest = CreditEntry.objects.filter(user_id=OuterRef("user_id")).order_by("-created_at", "-id")
    wallets = Wallet.objects.annotate(
        last_after=Subquery(latest.values("balance_after")[:1])
    ).values_list("user_id", "balance", "last_after")
    for user_id, balance, last_after in wallets.iterator():
        report.wallets += 1
        total = sums.get(user_id, 0)
        if balance != total:
            report.add("every wallet equals its ledger", f"user {user_id}: {balance} != {total}")
        elif last_after is not None and last_after != balance:
            report.add(
                "every wallet equals its ledger",
                f"user {user_id}: last balance_after {last_after} != {balance}",
            )


def stored_job_files(storage) -> set[str]:
    """Every file under the job folders of `storage` (local or S3)."""
    found: set[str] = set()

    def walk(folder: str) -> None:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        found.update(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    for folder in JOB_FILE_FOLDERS:
        walk(folder)
    return found


def _check_files(report: Report) -> None:
    storage = ColorizationJob._meta.get_field("input_file").storage
    stored = stored_job_files(storage)
    report.files = len(stored)
    named: set[str] = set()
    leftover_names = 0
    rows = ColorizationJob.objects.values_list("task_id", "deleted_at", *_FILE_FIELDS)
    for task_id, deleted_at, *fields in rows.iterator():
        for name in filter(None, fields):
            named.add(name)
            if name in stored:
                continue
            if deleted_at is None:
                report.add("no missing files", f"{task_id}: {name}")
            else:
                # Removed from the gallery; its files went but the database could not
                # record it (e.g. it restarted mid-delete). purge_results clears the names.
                leftover_names += 1
    if leftover_names:
        report.notes.append(
            f"{leftover_names} file names of deleted jobs point at removed files "
            "(manage.py purge_results clears them)"
        )
    for name in sorted(stored - named):
        report.add("no orphan files", name)
