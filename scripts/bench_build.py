"""Benchmark of the build (run through scripts/bench): every figure is measured in this run.

For each show it reports, on the same text:
- each engine's raw throughput alone, in one process (seconds of audio per wall second);
- the pipeline's end-to-end throughput from a cold cache with N workers, and its ratio to
  raw throughput x N (the pipeline's own overhead shows as the shortfall from 100 %);
- what encoding one episode costs (loudness measurement, MP3 encoding and the check of the
  result), and from it the best ratio any pipeline could reach on this machine: on a busy
  core every second of encoding is a second not spent synthesising;
- the no-op rebuild time; the time to add one paper, next to the cost of synthesising
  that paper's turns and encoding its episode; peak memory of the build process tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.build import produce_episode  # noqa: E402
from pipeline.plan import add_new_episodes, plan_episode  # noqa: E402
from pipeline.speech import pronunciation_table, resolve_hosts  # noqa: E402
from pipeline.speech.cache import TurnCache  # noqa: E402
from pipeline.config import episode_paths, load_episode, load_show  # noqa: E402
from pipeline.speech import speak  # noqa: E402
from pipeline.speech.workers import default_jobs  # noqa: E402

WORDS = ("microbiome probiotic migraine dysbiosis serotonin inflammation cytokine barrier diet "
         "fibre butyrate vagus trigeminal headache aura bacteria metabolite permeability immune "
         "gut brain axis cohort trial mice patients women adolescents").split()


def machine() -> str:
    """The CPU and core count this run measured on."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


# Runs in the child: samples the resident memory of the child and all its descendants (workers,
# ffmpeg) every 20 ms. getrusage's ru_maxrss would not do: Linux carries it across exec, so a
# child would report the benchmark's own peak.
_CHILD = """
import json, os, threading, time
from pipeline.build import build_show

def tree_rss_kb(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child); frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total

peak, own_peak, done = [0], [0], threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], tree_rss_kb(os.getpid()))
        with open("/proc/self/status") as f:
            own_peak[0] = max(own_peak[0], next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")))
        time.sleep(0.02)
threading.Thread(target=sample, daemon=True).start()
t = time.monotonic()
r = build_show(ROOT, jobs=JOBS)
wall = time.monotonic() - t
done.set()
print(json.dumps({"wall": wall, "built": len(r.built), "reused": len(r.reused), "failed": r.failed,
                  "synthesized": r.turns_synthesized, "cached": r.turns_cached,
                  "peak_mb": peak[0] / 1024, "main_mb": own_peak[0] / 1024}))
"""


def build_in_child(root: Path, jobs: int) -> dict:
    """Run one build in a fresh process; wall time, report and the process tree's peak memory."""
    code = _CHILD.replace("ROOT", repr(str(root))).replace("JOBS", str(jobs))
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise SystemExit(f"the build failed, so nothing it measured is meaningful: {result['failed']}")
    return result


def raw_throughput(root: Path, max_turns: int = 400) -> tuple[dict[str, float], float]:
    """Each host's engine alone, in this process, on the show's own turns: audio s per wall s;
    and the seconds it took to load the voices (each worker process pays that once).

    The entry "all" is the mix as the show uses it: all turns' audio over all turns' time.
    A large show is measured on an even sample of at most `max_turns` of its turns.
    """
    show = load_show(root)
    hosts = resolve_hosts(show.hosts)
    definitions = [load_episode(path, show.root) for path in episode_paths(show)]
    add_new_episodes(show, definitions)  # a library of new papers: write its episodes first
    pronunciations = pronunciation_table(show)
    turns: dict[tuple[str, str, int], list[str]] = {}
    # The scripts the build will write (paces calibrated in a cache of their own, so the build starts cold).
    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
        for path in episode_paths(show):
            plan = plan_episode(show, load_episode(path, show.root), hosts, None, None, pronunciations,
                                TurnCache(Path(scratch)))
            for turn, text in zip(plan.script.turns, plan.texts):
                host = hosts[turn.host]
                turns.setdefault((host.engine, host.voice, host.rate), []).append(text)
    total = sum(len(texts) for texts in turns.values())
    if total > max_turns:
        step = total / max_turns
        turns = {voice: texts[::max(1, round(step))] for voice, texts in turns.items()}
    results = {}
    all_audio = all_wall = loading = 0.0
    for (engine, voice, rate), texts in turns.items():
        started = time.monotonic()
        speak(engine, "Warming up the engine.", voice, rate)  # model loading is not throughput
        loading += time.monotonic() - started
        started, audio = time.monotonic(), 0.0
        for text in texts:
            audio += speak(engine, text, voice, rate).duration
        wall = time.monotonic() - started
        results[f"{engine}:{voice}"] = audio / wall
        all_audio, all_wall = all_audio + audio, all_wall + wall
    results["all"] = all_audio / all_wall
    return results, loading


def encoding_cost(root: Path) -> tuple[float, float]:
    """Wall and CPU seconds per audio second to assemble and encode the show's first episode from
    its cached turns, measured in a fresh process (this one has neural engines loaded, whose
    idle threads would be counted) with its ffmpeg children, on an otherwise idle machine.
    """
    out = subprocess.run([sys.executable, __file__, "--encoding-cost", str(root)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    wall, cpu = json.loads(out.stdout.strip().splitlines()[-1])
    return wall, cpu


def _encoding_cost_here(root: Path) -> tuple[float, float]:
    show = load_show(root)
    hosts = resolve_hosts(show.hosts)
    cache = TurnCache(show.state_dir / "cache" / "turns")
    plan = plan_episode(show, load_episode(episode_paths(show)[0], show.root), hosts, None, None,
                        pronunciation_table(show), cache)
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
        timeline, _ = produce_episode(plan, show.audio, cache, Path(scratch) / "episode.mp3")
    wall = time.monotonic() - started
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
    return wall / timeline.duration, cpu / timeline.duration


def newest_episode_seconds(root: Path, names_before: set[str]) -> float:
    from pipeline.audio import mp3_duration

    return sum(mp3_duration(p) for p in (root / "feed" / "episodes").glob("*.mp3") if p.name not in names_before)


def total_audio_seconds(root: Path) -> float:
    from pipeline.audio import mp3_duration

    return sum(mp3_duration(p) for p in (root / "feed" / "episodes").glob("*.mp3"))


def generated_library(root: Path, papers: int, per_episode: int) -> None:
    """A show with `papers` synthetic papers in the reading list and no episode definitions."""
    rng = random.Random(20261127)
    lines = ["papers:"]
    for index in range(papers):
        title = " ".join(rng.sample(WORDS, 6)).capitalize()
        finding = " ".join(rng.sample(WORDS, 14)).capitalize() + "."
        lines += [f"  - key: paper{index:04d}", f"    title: {title} {index}",
                  f"    authors: ['Author{index}, Ann', 'Second, Bo', 'Third, Cy']",
                  f"    date: {2000 + index % 26}", f"    finding: {finding}"]
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "library.yaml").write_text("\n".join(lines) + "\n")
    (root / "episodes").mkdir()
    # espeak-ng voices: a library of hundreds of papers is hours of audio, too long for neural voices here.
    config = (REPO / "papercast.toml").read_text().replace('engine = "auto"', 'engine = "pyttsx3"')
    (root / "papercast.toml").write_text(config + f"\n[papers]\nmax_per_episode = {per_episode}\n")


def demo_copy(root: Path) -> None:
    shutil.copytree(REPO / "papers", root / "papers")
    shutil.copytree(REPO / "episodes", root / "episodes")
    shutil.copy(REPO / "papercast.toml", root / "papercast.toml")
    for name in ("pronunciations.toml", "templates"):
        source = REPO / name
        if source.is_file():
            shutil.copy(source, root / name)
        elif source.is_dir():
            shutil.copytree(source, root / name)


def add_one_paper(root: Path) -> None:
    """Append one new paper to the show's reading list (it becomes a new episode)."""
    (root / "papers" / "added.yaml").write_text(
        "papers:\n  - key: added2026paper\n    title: A new paper on the gut and migraine\n"
        "    authors: ['Newcomer, Ada', 'Second, Bo']\n    date: 2026-11\n"
        "    finding: A probiotic drink lowered monthly migraine days in a small pilot trial.\n")


def bench(name: str, root: Path, jobs: int) -> dict:
    print(f"\n== {name} ==", flush=True)
    raw, loading = raw_throughput(root)
    for engine, speed in raw.items():
        label = "all turns, as the show mixes them" if engine == "all" else engine
        print(f"raw engine {label}: {speed:.0f}x real time (one process)")
    print(f"loading the voices (once per worker process): {loading:.2f} s")
    cold = build_in_child(root, jobs)
    audio = total_audio_seconds(root)
    end_to_end = audio / cold["wall"]
    ratio = end_to_end / (raw["all"] * jobs)
    print(f"cold build: {cold['built']} episodes, {cold['synthesized']} turns, {audio / 60:.1f} min of audio "
          f"in {cold['wall']:.1f} s with {jobs} workers")
    print(f"end-to-end {end_to_end:.0f}x real time = {ratio:.0%} of raw x {jobs} workers")
    encode_wall, encode_cpu = encoding_cost(root)
    # Synthesis takes 1/raw CPU seconds per audio second and encoding encode_cpu more; with every
    # core busy, the end-to-end rate is at most cores / (1/raw + encode_cpu).
    cores = os.cpu_count() or 1
    ceiling = min(1.0, cores / (1 + encode_cpu * raw["all"]) / jobs)
    print(f"encoding one episode alone: {encode_cpu * 60:.2f} s of CPU per minute of audio "
          f"({encode_wall * 60:.2f} s wall), against {60 / raw['all']:.2f} s to synthesise that minute")
    print(f"so no pipeline on {cores} cores exceeds about {ceiling:.0%} of raw x {jobs} workers here; "
          f"this one reaches {ratio / ceiling:.0%} of that (the ceiling comes from one episode's "
          f"encoding, so near 100 % the pipeline's own overhead is within the noise)")
    noop = build_in_child(root, jobs)
    print(f"no-op rebuild: {noop['wall']:.2f} s ({noop['synthesized']} turns synthesised, {noop['built']} built)")
    names_before = {p.name for p in (root / "feed" / "episodes").glob("*.mp3")}
    add_one_paper(root)
    added = build_in_child(root, jobs)
    new_audio = newest_episode_seconds(root, names_before)
    # What that paper costs at best: its turns at the engines' raw speed on every worker, and one episode encoded.
    floor = new_audio / (raw["all"] * jobs) + new_audio * encode_wall
    print(f"add one paper: {added['wall']:.2f} s ({added['synthesized']} turns synthesised, "
          f"{added['built']} episode built, {added['cached']} turns from cache); its "
          f"{new_audio:.0f} s episode costs {floor:.2f} s to synthesise at raw speed and encode, and "
          f"{loading:.2f} s to load the voices, so the rest (starting workers, planning, the feed) is "
          f"{added['wall'] - floor - loading:.2f} s")
    print(f"peak memory of the cold build: {cold['peak_mb']:.0f} MB for the whole process tree "
          f"(build process alone {cold['main_mb']:.0f} MB)")
    return {"raw": raw, "loading": loading, "cold": cold, "audio_s": audio, "ratio": ratio, "ceiling": ceiling, "noop": noop,
            "added": added}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the demo show only")
    parser.add_argument("--papers", type=int, default=300, help="size of the generated library")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--cluster", action="store_true",
                        help="only the demo show, on the local pool and on a Dask LocalCluster of the same size")
    parser.add_argument("--pairs", type=int, default=3, help="with --cluster: pool and cluster builds, interleaved")
    parser.add_argument("--long", action="store_true",
                        help="only the peak memory of one long episode (30 papers, about 33 minutes)")
    parser.add_argument("--encoding-cost", type=Path, help=argparse.SUPPRESS)  # the child of encoding_cost
    args = parser.parse_args()
    if args.encoding_cost:
        print(json.dumps(_encoding_cost_here(args.encoding_cost)))
        return
    print(f"machine: {machine()}")
    if args.cluster:
        from bench_cluster import bench_cluster

        bench_cluster(demo_copy, args.jobs, args.pairs)
        return
    if args.long:
        with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
            long_episode(Path(scratch) / "long", args.jobs)
        return
    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as scratch:
        demo = Path(scratch) / "demo"
        demo_copy(demo)
        bench("demo show (12 papers)", demo, args.jobs)
        if not args.quick:
            library = Path(scratch) / "library"
            generated_library(library, args.papers, per_episode=5)
            bench(f"generated library ({args.papers} papers)", library, args.jobs)
            long_episode(Path(scratch) / "long", args.jobs)


def long_episode(root: Path, jobs: int) -> None:
    """One 30-paper episode (espeak-ng) from a cold cache: the peak memory of the build's process tree."""
    generated_library(root, 30, per_episode=30)
    result = build_in_child(root, jobs)
    print(f"\n== one long episode (30 papers) ==\n{total_audio_seconds(root) / 60:.0f} min episode in "
          f"{result['wall']:.0f} s, peak memory {result['peak_mb']:.0f} MB for the process tree (build process "
          f"{result['main_mb']:.0f} MB); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
