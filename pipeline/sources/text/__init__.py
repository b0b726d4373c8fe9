"""The "text" format: reading lists pasted as plain text (forum threads, e-mails, Markdown notes).

chatter.py blanks a web page's chatter, tokens.py finds a paper's anchors line by line
(citations.py reads reference lines), runon.py cuts text run together on one line, and
assemble.py groups the tokens into papers.
"""

from .assemble import read, read_text

__all__ = ["read", "read_text"]
