"""The `papercast` command: a thin layer over the library (`pipeline`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import build_show
from .config import CONFIG_NAME, load_show
from .errors import PapercastError
from .oneoff import OneOff, make_episode, one_off_draft, one_off_source
from .publish.check import check_feed, has_errors, summary
from .sources.listing import paper_listing
from .sources.readinglist import add_papers
from .sources.registry import FORMATS
from .speech import auto_cast, engine_names, get_engine
from .terminal import finish, progress_for, report_skipped, show_listing


class _Group(click.Group):
    """Turns a PapercastError into one line on stderr and exit status 1 (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PapercastError as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(str(exc)) from None


_format_option = click.option("-f", "--format", "format_", metavar="FORMAT",
                              help="Script format: deep-dive (default), brief, critique, or a show's own.")
_minutes_option = click.option("-m", "--minutes", type=click.FloatRange(1, 180),
                               help="Target length in minutes (said more or less about each paper).")
_jobs_option = click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
                            help="Worker processes for speech synthesis (default: one per core).")
_strict_option = click.option("--strict", is_flag=True,
                              help="Refuse the papers if any entry cannot be read (default: skip it and say so).")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="papercast")
@click.option("--debug", is_flag=True, help="Show a full traceback on errors.")
def cli(debug: bool) -> None:
    """Turn research papers into a two-host podcast, offline.

    \b
    Example:
        papercast build            # build the show in this folder
    """
    # --debug is read by _Group.invoke when a command fails.


@cli.command()
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder (holds papercast.toml).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print each episode's outcome.")
@click.option("--repair", is_flag=True,
              help="Rebuild a damaged .papercast/published.json from feed/feed.xml (GUIDs and dates kept).")
@_jobs_option
@click.option("--cluster", metavar="ADDRESS",
              help="A Dask scheduler (tcp://HOST:8786) whose workers synthesise and encode "
                   "(default: [build] cluster in papercast.toml, else worker processes here).")
def build(show_root: Path, quiet: bool, verbose: bool, repair: bool, jobs: int | None, cluster: str | None) -> None:
    """Build every episode of the show, then its feed in feed/.

    \b
    Example:
        papercast build --show ~/shows/migraine
        papercast build --cluster tcp://10.0.0.5:8786
    """
    progress = progress_for(quiet, verbose)
    report = build_show(show_root, jobs=jobs, progress=progress, repair=repair, cluster=cluster)
    finish(report, progress, quiet)
    if not quiet:
        click.echo(f"feed: {(show_root / 'feed' / 'feed.xml').resolve()}")


_one_off_show_option = click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path),
                                    help="Write it as an episode of this show (its hosts, voices, title, templates).")
_name_option = click.option("--name", help='The show name the hosts say (default: its title, else "papercast").')


def _one_off(sources: tuple[Path, ...], title: str | None, entries: tuple[str, ...], format_: str | None,
             minutes: float | None, strict: bool, name: str | None,
             show_root: Path | None) -> tuple[OneOff, Path | None]:
    """The one-off as asked, with an episode file's papers filled in; skipped entries said on stderr."""
    request, root = one_off_source(OneOff(sources, title, entries or None, format_, minutes, strict=strict,
                                          name=name), show_root)
    report_skipped(request.sources, strict)
    return request, root


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the MP3.")
@click.option("-t", "--title", help="Episode title (default: from the papers).")
@click.option("-e", "--entry", "entries", multiple=True, help="Only this entry key (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_format_option
@_minutes_option
@_jobs_option
@_strict_option
@_one_off_show_option
@_name_option
def episode(sources: tuple[Path, ...], output: Path, title: str | None, entries: tuple[str, ...],
            quiet: bool, format_: str | None, minutes: float | None, jobs: int | None, strict: bool,
            show_root: Path | None, name: str | None) -> None:
    """Make one episode from paper files (any format `papercast add` reads) or an episode file.

    Whose hosts, voices and show name: as for `papercast script` (see its --help).

    \b
    Example:
        papercast episode papers.bib -e tang2020dysbiosis -o tang.mp3
    """
    request, root = _one_off(sources, title, entries, format_, minutes, strict, name, show_root)
    progress = progress_for(quiet, verbose=False)
    report = make_episode(request, output, root, jobs=jobs, progress=progress)
    finish(report, progress, quiet=True)
    if not quiet:
        click.echo(f"wrote {output}")


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-t", "--title", help="Episode title (default: from the papers).")
@click.option("-e", "--entry", "entries", multiple=True, help="Only this entry key (repeatable).")
@click.option("--spoken", is_flag=True, help="Print what the engine says (numbers as words, ...).")
@_format_option
@_minutes_option
@_strict_option
@_one_off_show_option
@_name_option
def script(sources: tuple[Path, ...], title: str | None, entries: tuple[str, ...], spoken: bool,
           format_: str | None, minutes: float | None, strict: bool, show_root: Path | None, name: str | None) -> None:
    """Print the dialogue an episode of these papers (or of an episode file) would have.

    The hosts welcome listeners to a show only when the papers come through it: with --show
    DIR, for an episode file (episodes/NAME.toml) of a show (its papers, title, format and
    length), or for the show's own paper files when run in its folder; then its hosts,
    templates and vocabulary apply too. Any other reading list is a one-off: default hosts
    (Alex and Sam) and the show called "papercast", or what --name says.

    \b
    Example:
        papercast script ~/Downloads/refs.bib --name "Journal Club"
        papercast script episodes/02-probiotics.toml
    """
    request, root = _one_off(sources, title, entries, format_, minutes, strict, name, show_root)
    dialogue, note = one_off_draft(request, root)
    for turn in dialogue.turns:
        click.echo(f"{dialogue.host_names[turn.host]}: {turn.spoken if spoken else turn.text}")
    if note:
        click.echo(f"episode: {note}", err=True)  # the same note `papercast build` prints


@cli.command()
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder; its feed/ is checked.")
@click.option("--base-url",
              help="Where feed/ is served (default: base_url in papercast.toml, else the feed's self link).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, no warnings.")
def check(show_root: Path, base_url: str | None, quiet: bool) -> None:
    """Check the built feed and its files against what podcast apps require.

    Each problem is printed with what to do about it. Exits with status 1 when
    there are errors; warnings alone exit 0. `papercast build` runs this too.

    \b
    Example:
        papercast check --show ~/shows/migraine
    """
    loudness = None
    if (show_root / CONFIG_NAME).is_file():
        show = load_show(show_root)
        base_url, loudness = base_url or show.base_url, show.audio.loudness
    problems = check_feed(show_root / "feed", base_url, loudness)
    for problem in problems:
        if problem.severity == "error" or not quiet:
            click.echo(str(problem))
    click.echo(summary(problems))
    if has_errors(problems):
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder (holds papercast.toml).")
@click.option("--format", "format_", type=click.Choice(FORMATS),
              help="Read every FILE as this format (default: detected from each file's content).")
@click.option("--strict", is_flag=True, help="Add nothing at all if any file or entry cannot be read.")
def add(files: tuple[Path, ...], show_root: Path, format_: str | None, strict: bool) -> None:
    """Add the papers in FILEs to the show's reading list, papers/reading-list.yaml.

    A FILE may be BibTeX, RIS or CSL-JSON (as Zotero, EndNote, Mendeley or Crossref export
    them), PubMed/MEDLINE (.nbib), EndNote XML, papercast's YAML, or plain text listing papers
    (a forum thread copied from a web page, an email, a Markdown note); for plain text, what was
    found for each paper is listed so you can check it. A file of no known shape is refused.
    A paper already on the list (same DOI, or same title and year) is merged: the copy there
    keeps its fields and gains those it lacks. Entries that cannot be read are reported (on
    stderr) and skipped, and the exit status is 1. The next `papercast build` puts new papers
    in episodes.

    \b
    Example:
        papercast add ~/Downloads/zotero-export.ris forum-post.txt
    """
    report = add_papers(show_root, list(files), format=format_, strict=strict,
                        waiting=lambda: click.echo("waiting for a papercast build running in this show to finish",
                                                   err=True))
    errors = {str(outcome) for outcome in report.errors}
    for line in report.lines():
        click.echo(line, err=line in errors)  # errors on stderr, so a script can keep the rest
    click.echo(report.summary())
    sys.exit(report.exit_code)


@cli.command()
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder (holds papercast.toml).")
def papers(show_root: Path) -> None:
    """List the show's papers: its reading list, then its other paper files in papers/.

    Each file is read as `papercast add` reads it: its format, each paper with the fields
    found and those it lacks, the papers without a year, DOI or finding, and the entries
    that could not be read (on stderr; exit status 1). At a terminal, file names are bold and
    the fields dim; in a pipe the same lines come plain.

    \b
    Example:
        papercast papers --show ~/shows/migraine
    """
    sys.exit(show_listing(paper_listing(show_root)))


@cli.command()
@click.option("--engine", "only", help="List only this engine's voices.")
def voices(only: str | None) -> None:
    """List speech engines and their voices, with the setting to use each.

    \b
    Example:
        papercast voices --engine pyttsx3
    """
    if not only:
        picks = [auto_cast(position) for position in (0, 1)]
        cast_line = " and ".join(f"{engine} {voice!r}" for engine, voice, _ in picks)
        click.echo(f'auto (the default engine): {cast_line}')
        for notice in dict.fromkeys(notice for _, _, notice in picks if notice):
            click.echo(f"  note: {notice}")
    for name in engine_names():
        if only and name != only:
            continue
        try:
            engine = get_engine(name)
        except PapercastError as exc:
            click.echo(f"{name}: not available ({exc})")
            continue
        first, second = engine.default_voices()
        click.echo(f"{name}: default voices {first!r} and {second!r}")
        for voice in engine.voices():
            detail = ", ".join(x for x in (voice.language, voice.gender) if x)
            line = f'  engine = "{name}"  voice = "{voice.id}"  # {voice.name}'
            click.echo(line + (f" ({detail})" if detail else ""))


@cli.command()
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder; its feed/ is served.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for the whole network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
def serve(show_root: Path, host: str, port: int, quiet: bool) -> None:
    """Serve feed/ over HTTP (with HEAD and byte ranges, as podcast apps need).

    Set base_url in papercast.toml to the address apps will use, then build.

    \b
    Example:
        papercast serve --host 0.0.0.0 --port 8000
    """
    from .publish.serve import serve as run_server

    feed = (show_root / "feed").resolve()
    if not (feed / "feed.xml").is_file():
        raise PapercastError(f"{feed}: no feed.xml yet; run `papercast build` first")
    run_server(feed, host, port, quiet=quiet)


@cli.command()
@click.argument("dest", required=False)
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder; its built feed/ is uploaded.")
@click.option("-n", "--dry-run", is_flag=True, help="List what would be uploaded and removed; change nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary.")
def publish(dest: str | None, show_root: Path, dry_run: bool, quiet: bool) -> None:
    """Upload the built feed/ to DEST, sending only files that changed, feed.xml last.

    DEST is a folder, sftp://user@host/path (ssh's config, agent and keys) or
    s3://bucket/prefix (the AWS profile and environment; [publish] endpoint for other
    S3-compatible services); default: [publish] destination in papercast.toml.
    Needs: pip install 'papercast[publish]' for SFTP and S3.

    \b
    Example:
        papercast publish sftp://me@example.org/var/www/podcast
    """
    from .publish.upload import publish_show

    def echo(action: str, name: str) -> None:
        if not quiet:
            click.echo(f"{action} {name}")

    try:
        report = publish_show(load_show(show_root), dest or "", dry_run=dry_run, on_file=echo)
    except KeyboardInterrupt:
        click.echo("interrupted: the destination still holds a complete feed; publish again to finish", err=True)
        sys.exit(130)
    if dry_run and not quiet:
        for line in report.lines():
            click.echo(line)
    click.echo(report.summary())


@cli.command()
@click.option("--show", "show_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The show folder (holds papercast.toml).")
@click.option("--quiet-ms", type=click.IntRange(50, 60000), default=400, show_default=True,
              help="How long files must be quiet before a burst of writes counts as one change.")
@_jobs_option
def watch(show_root: Path, quiet_ms: int, jobs: int | None) -> None:
    """Build the show, then rebuild it whenever its papers, episodes, templates or settings change.

    Reading lists outside the show named in [papers] reading_list (a Zotero Better BibTeX
    auto-export) are watched too. One line per rebuild; a failed build is reported and
    watching goes on. Stop with Ctrl-C.

    \b
    Example:
        papercast watch --show ~/shows/migraine
    """
    import logging

    from .watch import watch_show

    # The readers report a malformed entry in the rebuild's line; bibtexparser's own warning would be a second one.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    click.echo(f"watching {show_root.resolve()} (Ctrl-C to stop)", err=True)
    try:
        watch_show(show_root, lambda rebuild: click.echo(rebuild.line()), jobs=jobs, quiet_ms=quiet_ms)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)


def _ask(value: str | None, label: str, default: str) -> str:
    # Prompt only a person at a terminal; a script or CI gets the default, never a hang.
    if value is not None:
        return value
    return str(click.prompt(label, default=default)) if sys.stdin.isatty() else default


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The show's title (default: from the folder's name).")
@click.option("--author", help="Author shown in podcast apps (default: your login name).")
@click.option("--email", help="Owner e-mail for podcast directories (default: a placeholder).")
@click.option("--language", help="Language code, such as en or en-GB (default: en).")
@click.option("--category", help="An Apple Podcasts category (default: Science).")
@click.option("--engine", default="auto", show_default=True,
              help="Speech engine for both hosts (see `papercast voices`).")
@click.option("--from", "sources", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Add the papers in this file and plan the first episodes (repeatable).")
def init(directory: Path, title: str | None, author: str | None, email: str | None, language: str | None,
         category: str | None, engine: str, sources: tuple[Path, ...]) -> None:
    """Start a new show in DIRECTORY (default: here), ready to build.

    Writes a commented papercast.toml, papers/, episodes/ and a .gitignore; an existing
    show is never overwritten. Asks for unset options only when run at a terminal.

    \b
    Example:
        papercast init myshow --from ~/Zotero/export.bib
    """
    from .init import ShowInit, default_settings, init_show

    base = default_settings(directory)
    settings = ShowInit(title=_ask(title, "Title", base.title), author=_ask(author, "Author", base.author),
                        email=_ask(email, "Owner e-mail", base.email), language=_ask(language, "Language", "en"),
                        category=_ask(category, "Apple Podcasts category", "Science"), engine=engine)
    report = init_show(directory, settings, sources)
    for path in report.written:
        click.echo(f"wrote {path}")
    if report.added is not None:
        for line in report.added.lines():
            click.echo(line)
        click.echo(report.added.summary())
    for path in report.episodes:
        click.echo(f"planned {path}")
    click.echo("next:")
    for command in report.next_commands(str(directory)):
        click.echo(f"    {command}")
    sys.exit(report.exit_code)


def main() -> None:
    """Entry point of the `papercast` console script."""
    cli(prog_name="papercast")
