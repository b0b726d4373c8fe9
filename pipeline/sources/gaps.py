"""What a reader took from each entry, said plainly so that the user can check it."""

from __future__ import annotations

from ..model import Paper


def missing(paper: Paper) -> list[str]:
    """The fields the script leans on that `paper` lacks: year, DOI, finding."""
    return [name for name, value in (("year", paper.year), ("DOI", paper.doi), ("finding", paper.finding))
            if not value]


def gap_note(paper: Paper, where: str) -> str:
    """"WHERE has no year, DOI or finding" for the fields `paper` lacks, else ""."""
    gaps = missing(paper)
    if not gaps:
        return ""
    listed = gaps[0] if len(gaps) == 1 else ", ".join(gaps[:-1]) + f" or {gaps[-1]}"
    return f"{where} has no {listed}"


def found_note(paper: Paper, where: str) -> str:
    """What was found for a paper read from free text: each field, how much of it, and what is missing."""
    return f"{where}: {fields_found(paper)}"


def fields_found(paper: Paper) -> str:
    """"found title '…', 3 authors, date 2023-10, …; no DOI": the fields a paper has and those it lacks."""
    date = "-".join(f"{part:02d}" if index else str(part)
                    for index, part in enumerate((paper.year, paper.month, paper.day)) if part)
    found = [f"title {paper.title[:50]!r}" + ("…" if len(paper.title) > 50 else "")]
    if paper.authors:
        found.append(f"{len(paper.authors)} author{'s' * (len(paper.authors) != 1)}")
    found += [f"date {date}"] * bool(date) + [f"journal {paper.journal!r}"] * bool(paper.journal)
    found += [f"DOI {paper.doi}"] * bool(paper.doi) + [f"link {paper.url}"] * bool(paper.url)
    if paper.finding:
        found.append(f"finding ({len(paper.finding.split())} words)")
    absent = [name for name, value in (("authors", paper.authors), ("date", date), ("journal", paper.journal),
                                       ("DOI", paper.doi), ("finding", paper.finding)) if not value]
    return f"found {', '.join(found)}" + (f"; no {', '.join(absent)}" if absent else "")


def partial_note(paper: Paper, where: str) -> str:
    """"WHERE: read only partly ('Title'): no authors, year" for a paper taken from free text
    without authors, a year or a finding (what a citation line or a post most often lacks), else ""."""
    absent = [name for name, value in (("authors", paper.authors), ("year", paper.year), ("finding", paper.finding))
              if not value]
    if not absent:
        return ""
    title = paper.title[:50] + ("…" if len(paper.title) > 50 else "")
    return f"{where}: read only partly ({title!r}): no {', '.join(absent)}"
