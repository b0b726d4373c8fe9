"""Identifiers found in any text: DOIs, arXiv and PubMed ids and links, each made a link."""

from __future__ import annotations

import re

ARXIV = re.compile(r"(?:\barXiv:\s*|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)"
                   r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)(?:\.pdf)?", re.IGNORECASE)
PUBMED = re.compile(r"(?:\bPMID:?\s*|https?://(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/))"
                    r"(?P<id>\d{1,9})\b/?", re.IGNORECASE)


def arxiv_url(identifier: str) -> str:
    """The abstract page of an arXiv paper."""
    return f"https://arxiv.org/abs/{identifier}"


def pubmed_url(pmid: str) -> str:
    """The PubMed page of a PMID."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def identifier_url(text: str) -> str:
    """A link for the first arXiv or PubMed identifier in `text`, else ""."""
    match = ARXIV.search(text)
    if match:
        return arxiv_url(match.group("id"))
    match = PUBMED.search(text)
    return pubmed_url(match.group("id")) if match else ""
