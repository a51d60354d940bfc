"""The officer's commentary, `reference/commentaires.md`: one `## Heading` per document
section, rendered with markdown-it-py with raw HTML disabled (a `<script>` stays text).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

COMMENTARY_FILE = "commentaires.md"


def _renderer() -> MarkdownIt:
    # commonmark with html disabled: raw HTML is escaped; images disabled: a printed
    # document never fetches a remote picture. markdown-it refuses javascript: links.
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def heading_key(text: str) -> str:
    """Matching key of a heading: case, accents, spaces, colons and underscores ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "".join(c for c in text if c.isalnum())


@dataclass(frozen=True)
class Commentary:
    sections: dict[str, tuple[str, Markup]]  # heading key -> (heading as written, HTML)

    def take(self, *headings: str) -> Markup | None:
        """HTML of the first section written under one of `headings` (None if absent)."""
        for h in headings:
            found = self.sections.get(heading_key(h))
            if found:
                return found[1]
        return None

    def unmatched(self, used: set[str]) -> list[tuple[str, Markup]]:
        """Sections whose heading matches no section of the document: shown in an annex,
        never dropped."""
        return [v for k, v in self.sections.items() if k not in used]


def _html(md: MarkdownIt, text: str) -> Markup:
    # markdown-it with html disabled escapes every tag the officer typed: its output is the
    # only markup of the document that does not come from our templates or from Plotly
    return Markup(md.render(text))


def parse_commentary(text: str) -> Commentary:
    md = _renderer()
    lines = text.splitlines(keepends=True)
    tokens = md.parse(text)
    starts = []  # (first line of the heading, line after it, heading text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2" and tok.map:
            starts.append((tok.map[0], tok.map[1], tokens[i + 1].content.strip()))
    sections: dict[str, tuple[str, Markup]] = {}
    preamble_end = starts[0][0] if starts else len(lines)
    preamble = "".join(lines[:preamble_end]).strip()
    if preamble:
        sections[heading_key("Préambule")] = ("Préambule", _html(md, preamble))
    for n, (_first, body_start, heading) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        body = "".join(lines[body_start:end]).strip()
        key = heading_key(heading)
        previous = sections.get(key)
        html = _html(md, body) if body else Markup("")
        # the same heading twice: both parts are kept, in order
        sections[key] = (heading, (previous[1] if previous else Markup("")) + html)
    return Commentary(sections)


def read_commentary(reference_dir: Path) -> Commentary:
    path = Path(reference_dir) / COMMENTARY_FILE
    if not path.is_file():
        return Commentary({})
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # officers' editors on Windows
    return parse_commentary(text.replace("\r\n", "\n").replace("\r", "\n"))
