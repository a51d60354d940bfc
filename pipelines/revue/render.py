"""Rendering of the review document with the site's template set (dashboards/render.py,
templates under dashboards/templates/revue/)."""

from __future__ import annotations

from markupsafe import Markup

from dashboards.render import render
from dashboards.site import ASSETS, PLOTLY_JS
from pipelines.revue.commentary import Commentary, heading_key
from pipelines.revue.content import ReviewData
from pipelines.revue.sections import Block, Section, build_sections


def _inline_script(text: str) -> Markup:
    # plotly.js, inlined so that revue.html stands alone; "</script" would end the element
    return Markup(text.replace("</script", "<\\/script"))


def attach_commentary(sections: list[Section], commentary: Commentary) -> list[Section]:
    """Put each commentary section under its heading; any other goes to an annex, never
    dropped."""
    used: set[str] = set()
    for s in sections:
        s.commentary = commentary.take(*s.headings)
        if s.commentary is not None:
            used.update(heading_key(h) for h in s.headings)
    others = commentary.unmatched(used)
    if others:
        blocks = [Block("commentary", title, chart=html) for title, html in others]
        subs = [t for t, _ in others]
        sections.append(
            Section("autres-commentaires", "Autres commentaires", (), blocks, subsections=subs)
        )
    return sections


def document_sections(d: ReviewData, commentary: Commentary) -> list[Section]:
    return attach_commentary(build_sections(d), commentary)


def render_document(sections: list[Section], meta: dict, pages: dict[str, int]) -> str:
    return render(
        "revue/document.html",
        **meta,
        sections=sections,
        pages=pages,
        plotly_js=_inline_script(PLOTLY_JS.read_text(encoding="utf-8")),
        locale_js=_inline_script((ASSETS / "plotly-locale-fr.js").read_text(encoding="utf-8")),
    )


def render_footer(meta: dict) -> str:
    return render("revue/footer.html", **meta)
