"""Benchmark of a build on a Dask cluster against the local pool (run through `scripts/bench --cluster`).

The same show is built from a cold cache twice, side by side in one run: by the local process
pool of N workers, and through a Dask LocalCluster of N single-threaded worker processes. For
each: wall time and throughput, and the client's own CPU time per minute of audio (the build
process alone: the pool's workers and ffmpeg are its children, a cluster's workers are not).
For the cluster also what crossed between client and workers per minute of audio: turns
coming back (FLAC), episodes' turns going out, and encoded episodes coming back. Then the
encoding cost per minute of audio, before and after moving the per-turn work to the workers.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Runs in a fresh process: one build, timed, with this process's own CPU time (RUSAGE_SELF).
_CHILD = """
import json, resource, sys, time
from pipeline.build import build_show

if __name__ == "__main__":
    root, jobs, cluster = sys.argv[1], int(sys.argv[2]), sys.argv[3] or None
    started = time.monotonic()
    report = build_show(root, jobs=jobs, cluster=cluster)
    wall = time.monotonic() - started
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps({"wall": wall, "cpu": own.ru_utime + own.ru_stime,
                      "children": children.ru_utime + children.ru_stime, "failed": report.failed,
                      "built": len(report.built), "synthesized": report.turns_synthesized}))
"""


def _build(root: Path, jobs: int, cluster: str = "") -> dict:
    """One cold build in a child process; raises if any episode failed."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(root), str(jobs), cluster], cwd=REPO,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise SystemExit(f"the build failed, so nothing it measured is meaningful: {result['failed']}")
    return result


def _audio_minutes(root: Path) -> float:
    from pipeline.audio import mp3_duration

    return sum(mp3_duration(p) for p in (root / "feed" / "episodes").glob("*.mp3")) / 60


def _transferred(root: Path) -> dict[str, int]:
    """Payload bytes each way in a cold cluster build: turns back, episodes' turns out, MP3s back."""
    from pipeline.config import episode_paths, load_episode, load_show
    from pipeline.plan import plan_episode
    from pipeline.speech import pronunciation_table, resolve_hosts
    from pipeline.speech.cache import TurnCache

    show = load_show(root)
    cache = TurnCache(show.state_dir / "cache" / "turns")
    turns_back = sum(p.stat().st_size for p in cache.folder.rglob(f"*.{show.audio.sample_rate}.flac"))
    hosts = resolve_hosts(show.hosts)
    turns_out = 0
    for path in episode_paths(show):
        plan = plan_episode(show, load_episode(path, show.root), hosts, None, None, pronunciation_table(show))
        turns_out += sum(cache.turn_path(key, show.audio.sample_rate).stat().st_size for key in plan.keys)
    mp3s = sum(p.stat().st_size for p in (root / "feed" / "episodes").glob("*.mp3"))
    return {"turns back": turns_back, "episodes' turns out": turns_out, "episodes back": mp3s}


def _worker_cpu() -> float:
    """This process's CPU seconds and its finished children's (run on each Dask worker)."""
    return _cpu()


def _cluster_cpu(address: str) -> float:
    """CPU seconds used so far by the cluster's workers (with their ffmpeg runs) and by this process,
    which runs the scheduler and the nannies."""
    import distributed

    with distributed.Client(address) as client:
        workers = sum(client.run(_worker_cpu).values())
    return workers + _cpu()


def _cpu() -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def encoding_costs(root: Path, raw: list) -> dict[str, float]:
    """CPU seconds per audio minute: the old client-side step (level and resample every turn, join,
    encode), the per-turn part now done where a turn is spoken (level, resample, FLAC), and the
    episode's own step now (decode FLAC, join, encode). `raw` is the first episode's turns as the
    engines spoke them; the first episode of the built show in `root` is encoded."""
    from pipeline.audio import assemble, encode_mp3
    from pipeline.audio.assemble import Segment
    from pipeline.audio.episode import encode_episode
    from pipeline.audio.turnform import episode_turn
    from pipeline.build import episode_job
    from pipeline.config import episode_paths, load_episode, load_show
    from pipeline.plan import plan_episode
    from pipeline.speech import pronunciation_table, resolve_hosts
    from pipeline.speech.cache import TurnCache

    show = load_show(root)
    hosts = resolve_hosts(show.hosts)
    cache = TurnCache(show.state_dir / "cache" / "turns")
    plan = plan_episode(show, load_episode(episode_paths(show)[0], show.root), hosts, None, None,
                        pronunciation_table(show))
    job = episode_job(plan, show.audio, cache)
    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
        start = _cpu()
        timeline = assemble((Segment(s, a) for s, a in raw), show.audio, Path(scratch) / "e.wav")
        encode_mp3(Path(scratch) / "e.wav", Path(scratch) / "e.mp3", show.audio, plan.tags, job.chapters)
        before = _cpu() - start
    start = _cpu()
    for _, audio in raw:
        episode_turn(audio, show.audio)
    per_turn = _cpu() - start
    start = _cpu()
    encode_episode(job)
    after = _cpu() - start
    minutes = timeline.duration / 60
    return {"before": before / minutes, "per turn now": per_turn / minutes, "episode now": after / minutes}


def first_episode_raw(root: Path) -> list:
    """The first episode's turns spoken by the engines in this process (section, engine audio)."""
    from pipeline.config import episode_paths, load_episode, load_show
    from pipeline.plan import plan_episode
    from pipeline.speech import pronunciation_table, resolve_hosts, speak

    show = load_show(root)
    hosts = resolve_hosts(show.hosts)
    plan = plan_episode(show, load_episode(episode_paths(show)[0], show.root), hosts, None, None,
                        pronunciation_table(show))
    return [(turn.section, speak(hosts[turn.host].engine, text, hosts[turn.host].voice, hosts[turn.host].rate,
                                 hosts[turn.host].pitch))
            for turn, text in zip(plan.script.turns, plan.texts, strict=True)]


def bench_cluster(demo_copy, jobs: int) -> None:  # type: ignore[no-untyped-def]
    """The demo show on the local pool and on a LocalCluster of the same size; prints the comparison."""
    import distributed

    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
        pool_root, cluster_root = Path(scratch) / "pool", Path(scratch) / "cluster"
        demo_copy(pool_root)
        demo_copy(cluster_root)
        print(f"\n== the demo show: local pool against a Dask LocalCluster, {jobs} workers each ==", flush=True)
        pool = _build(pool_root, jobs)
        work = Path(scratch) / "workers"
        work.mkdir()
        with distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                      local_directory=str(work), dashboard_address=None) as cluster:
            before = _cluster_cpu(cluster.scheduler_address)
            on_cluster = _build(cluster_root, jobs, cluster.scheduler_address)
            # The client is this process's child: its CPU is in _cpu()'s RUSAGE_CHILDREN once it has ended.
            cluster_cpu = _cluster_cpu(cluster.scheduler_address) - before
        minutes = _audio_minutes(pool_root)
        cluster_minutes = _audio_minutes(cluster_root)
        # The pool's time includes starting its workers; the cluster's, connecting to workers already
        # running (as a cluster's are) and their loading the voices on their first turn.
        for name, result, audio in (("local pool", pool, minutes), ("LocalCluster", on_cluster, cluster_minutes)):
            print(f"{name}: {audio:.1f} min of audio in {result['wall']:.1f} s = {audio * 60 / result['wall']:.1f}x "
                  f"real time; the client's own CPU {result['cpu'] / audio:.2f} s per minute of audio")
        pool_cpu = (pool["cpu"] + pool["children"]) / minutes
        print(f"CPU per minute of audio, everything the build used: pool {pool_cpu:.2f} s "
              f"(build process, its workers and ffmpeg), cluster {cluster_cpu / cluster_minutes:.2f} s (client, "
              f"workers and their ffmpeg, scheduler and nannies): unlike wall time, not much moved by other load")
        ratio = (cluster_minutes / on_cluster["wall"]) / (minutes / pool["wall"])
        print(f"cluster throughput / pool throughput: {ratio:.0%} (goal: at least 90 %)")
        moved = _transferred(cluster_root)
        total = sum(moved.values())
        print("transferred per minute of audio: " + ", ".join(f"{k} {v / cluster_minutes / 1e6:.2f} MB"
                                                               for k, v in moved.items())
              + f"; {total / cluster_minutes / 1e6:.2f} MB in all")
        costs = encoding_costs(cluster_root, first_episode_raw(cluster_root))
        print(f"encoding, CPU per minute of audio: before (client levels and resamples every turn, joins, encodes) "
              f"{costs['before']:.2f} s; now per turn where it is spoken (level, resample, FLAC) "
              f"{costs['per turn now']:.2f} s, and the episode's own job (decode, join, encode) "
              f"{costs['episode now']:.2f} s")
        shutil.rmtree(work, ignore_errors=True)
