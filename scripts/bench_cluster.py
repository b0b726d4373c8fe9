"""Benchmark of a build on a Dask cluster against the local pool (run through `scripts/bench --cluster`).

The same show is built from a cold cache in pairs, interleaved in one run (pool, cluster, pool,
cluster, ...), so load from other work on a shared machine falls on both alike: by the local
process pool of N workers, and through a Dask LocalCluster of N single-threaded worker processes
(started once, as a cluster is running before a build; its workers are restarted before each
build, so they load the voices as the pool's do). Each pair's throughput ratio, and the median.
CPU time per minute of audio, split: the client (the build process), the workers (with their
ffmpeg runs), and for the cluster its scheduler and nannies (this process). What crossed between
processes per minute of audio. Then the encoding cost per minute of audio of the episode's step,
before and after its loudness came from the turns' own figures, measured side by side.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Runs in a fresh process: one build, timed, with this process's own CPU time and its children's.
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


def _cpu() -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _workers(client: object) -> float:
    """The CPU seconds of the cluster's workers, with their finished ffmpeg runs (run on each)."""
    return sum(client.run(_cpu).values())  # type: ignore[attr-defined]


def _load() -> str:
    return "load " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def _payload(root: Path) -> dict[str, int]:
    """What a cold build's results weigh: turns (FLAC and loudness figures) and the MP3s; the cover each
    episode's job carries."""
    cache = root / ".papercast" / "cache" / "turns"
    turns = sum(p.stat().st_size for p in cache.rglob("*.flac")) + sum(p.stat().st_size
                                                                        for p in cache.rglob("*.meter"))
    mp3s = list((root / "feed" / "episodes").glob("*.mp3"))
    cover = max((p.stat().st_size for p in (root / "feed").glob("cover.*")), default=0)
    return {"turns": turns, "mp3s": sum(p.stat().st_size for p in mp3s), "covers": cover * len(mp3s)}


def _pool_pair(root: Path, jobs: int) -> dict:
    result = _build(root, jobs)
    minutes = _audio_minutes(root)
    return {"wall": result["wall"], "minutes": minutes, "client": result["cpu"] / minutes,
            "workers": result["children"] / minutes, "load": _load()}


def _cluster_pair(root: Path, jobs: int, cluster: object) -> dict:
    import distributed

    with distributed.Client(cluster.scheduler_address) as client:  # type: ignore[attr-defined]
        client.restart()  # fresh workers: they load the voices during the build, as the pool's do
        workers_cpu = _workers(client)
        here = _own_cpu()
        result = _build(root, jobs, cluster.scheduler_address)  # type: ignore[attr-defined]
        # This process runs the scheduler and the nannies (and this client, idle during the build).
        dask_cpu = _own_cpu() - here
        after_cpu = _workers(client)
    minutes = _audio_minutes(root)
    payload = _payload(root)
    return {"wall": result["wall"], "minutes": minutes, "client": (result["cpu"] + result["children"]) / minutes,
            "workers": (after_cpu - workers_cpu) / minutes, "dask": dask_cpu / minutes, "load": _load(),
            "back": (payload["turns"] + payload["mp3s"]) / minutes, "out": payload["covers"] / minutes}


def bench_cluster(demo_copy: Callable[[Path], None], jobs: int, pairs: int = 3) -> None:
    """The demo show on the local pool and on a LocalCluster of the same size, interleaved; prints the comparison."""
    import dask
    import distributed

    print(f"\n== the demo show: local pool against a Dask LocalCluster, {jobs} workers each, {pairs} pairs "
          f"interleaved, cold cache each ==", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
        work = Path(scratch) / "workers"
        work.mkdir()
        # The workers' statistical profiler costs CPU on every worker; the README advises turning it off.
        with dask.config.set({"distributed.worker.profile.enabled": False}), \
                distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                         local_directory=str(work), dashboard_address=None) as cluster:
            for number in range(1, pairs + 1):
                pool_root, cluster_root = Path(scratch) / f"pool{number}", Path(scratch) / f"cluster{number}"
                demo_copy(pool_root)
                demo_copy(cluster_root)
                pool = _pool_pair(pool_root, jobs)
                on_cluster = _cluster_pair(cluster_root, jobs, cluster)
                ratio = (on_cluster["minutes"] / on_cluster["wall"]) / (pool["minutes"] / pool["wall"])
                rows.append((pool, on_cluster, ratio))
                print(f"pair {number}: pool {pool['minutes']:.1f} min of audio in {pool['wall']:.1f} s "
                      f"({pool['minutes'] * 60 / pool['wall']:.1f}x real time; {pool['load']}), cluster "
                      f"{on_cluster['minutes']:.1f} min in {on_cluster['wall']:.1f} s "
                      f"({on_cluster['minutes'] * 60 / on_cluster['wall']:.1f}x; {on_cluster['load']}): "
                      f"cluster / pool {ratio:.0%}", flush=True)
    _summary(rows)
    last = Path(tempfile.mkdtemp(prefix="papercast-bench-"))
    demo_copy(last)
    _build(last, jobs)
    before, after = encoding_costs(last)
    print(f"the episode's step (join, loudness, encode), CPU per minute of audio over the demo's episodes, "
          f"side by side ({_load()}): before (its WAV metered by ffmpeg) {before:.2f} s; now (its loudness "
          f"from the turns' figures) {after:.2f} s; measuring the figures where each turn is spoken: "
          f"{turn_figures_cost(last):.2f} s")


def _summary(rows: list) -> None:
    med = statistics.median
    ratios = [ratio for _, _, ratio in rows]
    print(f"cluster throughput / pool throughput: median {med(ratios):.0%} "
          f"(pairs {', '.join(f'{r:.0%}' for r in ratios)}; goal: at least 90 %)")
    pools, clusters = [p for p, _, _ in rows], [c for _, c, _ in rows]
    print(f"CPU per minute of audio (median): pool: client {med(p['client'] for p in pools):.2f} s, workers "
          f"and ffmpeg {med(p['workers'] for p in pools):.2f} s; cluster: client "
          f"{med(c['client'] for c in clusters):.2f} s, workers and ffmpeg "
          f"{med(c['workers'] for c in clusters):.2f} s, "
          f"scheduler and nannies {med(c['dask'] for c in clusters):.2f} s")
    print(f"transferred per minute of audio (median; the payloads' sizes, from the files): to the client, turns "
          f"(FLAC and loudness figures) and MP3s {med(c['back'] for c in clusters) / 1e6:.2f} MB; from the client, "
          f"covers with the episodes' jobs {med(c['out'] for c in clusters) / 1e6:.3f} MB and no turns (a cold "
          f"build's are all spoken on the cluster; an episode's job reads them from the workers that spoke them)")


def encoding_costs(root: Path) -> tuple[float, float]:
    """CPU seconds per audio minute of every episode's step in the built show at `root`, from its cached
    turns: before (the joined WAV metered by ffmpeg, then encoded) and now (its loudness from the
    turns' figures), alternating episode by episode so load falls on both alike."""
    import dataclasses

    from pipeline.audio import encode_mp3
    from pipeline.audio.episode import LoadedTurns, _pcm, encode_episode, join_turns, joined_loudness
    from pipeline.audio.loudness import _meter
    from pipeline.build import episode_job
    from pipeline.config import episode_paths, load_episode, load_show
    from pipeline.plan import plan_episode
    from pipeline.speech import pronunciation_table, resolve_hosts
    from pipeline.speech.cache import TurnCache

    show = load_show(root)
    hosts = resolve_hosts(show.hosts)
    cache = TurnCache(show.state_dir / "cache" / "turns")
    rate = show.audio.sample_rate
    before = after = minutes = 0.0
    for path in episode_paths(show):
        plan = plan_episode(show, load_episode(path, show.root), hosts, None, None, pronunciation_table(show))
        turns = LoadedTurns(tuple((cache.turn(key, rate) or b"", cache.turn_meter(key, rate)) for key in plan.keys))
        job = dataclasses.replace(episode_job(plan, show.audio, cache), feed=turns)
        with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
            start = _cpu()
            # The step as it was: the same join, then ffmpeg meters the WAV before encoding.
            wav = Path(scratch) / "e.wav"
            figures: list = []
            timeline = join_turns(_pcm(job, figures), show.audio, wav)
            encode_mp3(wav, Path(scratch) / "e.mp3", show.audio, plan.tags, job.chapters)
            before += _cpu() - start
            # Not timed: how far the turns' figures are from ffmpeg's meter run over the joined WAV.
            integrated, true_peak = joined_loudness(timeline, figures, rate)
            metered, metered_peak = _meter(wav, "measure", "true")
            print(f"  {plan.stem}: loudness as played from the turns' figures {integrated:.2f} LUFS, by ffmpeg "
                  f"over the joined WAV {metered:.1f}; true peak {true_peak:.2f} and {metered_peak:.1f} dBTP")
        start = _cpu()
        encode_episode(job)
        after += _cpu() - start
        minutes += timeline.duration / 60
    return before / minutes, after / minutes


def turn_figures_cost(root: Path) -> float:
    """CPU seconds per audio minute to measure the turns' loudness figures (done where each turn is spoken)."""
    from pipeline.audio.turnform import decode_flac
    from pipeline.audio.turnmeter import measure_turn

    total = seconds = 0.0
    for path in sorted((root / ".papercast" / "cache" / "turns").rglob("*.flac")):
        audio = decode_flac(path.read_bytes()[:-36])
        start = time.process_time()
        measure_turn(audio.pcm, audio.sample_rate)
        total += time.process_time() - start
        seconds += audio.duration
    return total / (seconds / 60)
