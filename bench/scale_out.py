"""Scale-out: jobs per minute with 1, 2 and 4 workers on PostgreSQL, and proof that no job
is processed twice.

    .venv/bin/python bench/scale_out.py [--workers 1,2,4] [--jobs 120] [--proof-jobs 1000]
                                        [--proof-workers 4] [--size 64] [--media local|s3]

For each worker count: the stack's database (deploy/local_stack.py, recreated once; no web
server),
N `run_worker` processes started and warmed up, then `--jobs` tiny jobs (a `--size`
pixel square photo, model tiny) queued at once. Reported per round:
- jobs per minute, from the database: jobs / (last completed_at - first processed_at);
- CPU seconds per job: the workers' user+system time over the round / jobs, which is
  what the extrapolation to more cores divides into 60 s.
Then the proof round: `--proof-jobs` jobs over `--proof-workers` workers, checked by
bench/stack_jobs.py verify (each job one queue entry claimed by exactly one worker,
charged once, ended) and by the workers' logs (no "not queued any more" skips).

On a machine with few cores the curve flattens once workers outnumber cores; the
extrapolation line says what the per-job CPU time predicts for one core per worker.
Exits 1 if the proof fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy import local_stack

HERE = Path(__file__).resolve().parent


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its reaped children, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks


def _in_stack(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [local_stack.PYTHON, str(HERE / "stack_jobs.py"), *args],
        cwd=local_stack.REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"stack_jobs {args} failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


_migrated: set[str] = set()


def _fresh(config: local_stack.Config) -> dict[str, str]:
    """Stop what ran before; a fresh database for the first round (later rounds count
    only their own jobs, by id)."""
    local_stack.down()
    env = local_stack.environment(config)
    if os.environ.get("STACK_KEEP_DATABASE") != "1" and config.database not in _migrated:
        _migrated.add(config.database)
        local_stack.recreate_database(config)
        local_stack.manage(env, "migrate", "--noinput")
        local_stack.manage(env, "createcachetable")
    if config.media == "s3":
        local_stack.start_s3(config)
    return env


def _wait_for_workers(env: dict[str, str], count: int, warm_up: float) -> None:
    # The heartbeat says a worker is up; the warm-up (models loaded) follows within seconds.
    deadline = time.monotonic() + 120
    sql = "SELECT count(*) FROM jobs_workerheartbeat WHERE last_seen > now() - interval '10 s'"
    config = local_stack.Config()
    while int(local_stack.psql(config, sql, config.database).strip() or 0) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.5)
    time.sleep(warm_up)


def _wait_until_done(config: local_stack.Config, first_id: int, timeout: float) -> None:
    sql = f"SELECT count(*) FROM jobs_colorizationjob WHERE id >= {first_id} AND state IN (0, 2)"
    deadline = time.monotonic() + timeout
    while int(local_stack.psql(config, sql, config.database).strip()) > 0:
        if time.monotonic() > deadline:
            raise RuntimeError("jobs were still unfinished at the time limit")
        time.sleep(0.5)


def run_round(
    config: local_stack.Config, workers: int, jobs: int, size: int, timeout: float
) -> dict:
    env = _fresh(config)
    pids = [local_stack.start_worker(index, env, supervised=False) for index in range(workers)]
    try:
        _wait_for_workers(env, workers, warm_up=8.0)
        cpu_before = sum(_cpu_seconds(pid) for pid in pids)
        submitted = _in_stack(env, "submit", str(jobs), "--size", str(size))
        _wait_until_done(config, submitted["first_id"], timeout)
        cpu = sum(_cpu_seconds(pid) for pid in pids) - cpu_before
        proof = _in_stack(env, "verify", str(submitted["first_id"]))
    finally:
        local_stack.down()
    skipped = sum(
        path.read_text(errors="replace").count("is not queued any more")
        for path in local_stack.LOGS.glob("worker-*.log")
    )
    busy = proof["busy_seconds"] or float("nan")
    return {
        "workers": workers,
        "jobs": jobs,
        "jobs_per_minute": round(jobs / busy * 60, 1),
        "cpu_seconds_per_job": round(cpu / jobs, 3),
        "skipped_claims_in_logs": skipped,
        **proof,
    }


def _proof_holds(result: dict) -> bool:
    return (
        result["states"] == {"1": result["jobs"]}
        and result["queue_entries_not_one"] == 0
        and result["claimed_not_once"] == 0
        and result["charged_not_once"] == 0
        and result["skipped_claims_in_logs"] == 0
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--jobs", type=int, default=120)
    parser.add_argument("--proof-jobs", type=int, default=1000)
    parser.add_argument("--proof-workers", type=int, default=4)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--media", choices=["local", "s3"], default="local")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    os.environ["STACK_MEDIA"] = args.media
    config = local_stack.Config()
    # Log-file counts are per round: start each from empty logs.
    rounds = []
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    for workers in counts:
        for log in local_stack.LOGS.glob("worker-*.log"):
            log.unlink()
        result = run_round(config, workers, args.jobs, args.size, args.timeout)
        rounds.append(result)
        print(
            f"{workers} worker(s): {result['jobs_per_minute']:7.1f} jobs/min, "
            f"{result['cpu_seconds_per_job']:.3f} CPU s/job, per worker "
            f"{sorted(result['jobs_per_worker'].values(), reverse=True)}",
            flush=True,
        )
    ok = all(_proof_holds(result) for result in rounds)
    if args.proof_jobs:
        for log in local_stack.LOGS.glob("worker-*.log"):
            log.unlink()
        proof = run_round(config, args.proof_workers, args.proof_jobs, args.size, args.timeout)
        ok = ok and _proof_holds(proof)
        print(
            f"proof: {proof['jobs']} jobs over {args.proof_workers} workers: states "
            f"{proof['states']}, queue entries not exactly one: {proof['queue_entries_not_one']}, "
            f"claimed not exactly once: {proof['claimed_not_once']}, charged not once: "
            f"{proof['charged_not_once']}, skipped claims in logs: "
            f"{proof['skipped_claims_in_logs']}, per worker "
            f"{sorted(proof['jobs_per_worker'].values(), reverse=True)}, "
            f"{proof['jobs_per_minute']} jobs/min",
            flush=True,
        )
    if rounds:
        base = rounds[0]
        cores = os.cpu_count() or 1
        per_core = 60 / base["cpu_seconds_per_job"] if base["cpu_seconds_per_job"] else 0
        print(f"{cores} cores here. Ratios to 1 worker: " + ", ".join(
            f"{r['workers']}w x{r['jobs_per_minute'] / base['jobs_per_minute']:.2f}"
            for r in rounds
        ))  # fmt: skip
        print(
            f"Extrapolation from {base['cpu_seconds_per_job']:.3f} CPU s/job: about "
            f"{per_core:.0f} jobs/min per core, so N workers on N free cores ~ N x {per_core:.0f}"
            " (the database is not the limit at these rates: a claim is one indexed UPDATE)."
        )
    print("proof holds" if ok else "PROOF FAILED: a job was claimed, charged or ended twice")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
