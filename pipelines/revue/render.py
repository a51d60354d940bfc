"""Jinja2 rendering of the review document, the Revues page and the comparison page."""

from __future__ import annotations

from markupsafe import Markup

from dashboards.site import ASSETS, PLOTLY_JS
from pipelines.revue.commentary import Commentary, heading_key
from pipelines.revue.content import ReviewData
from pipelines.revue.sections import Section, build_sections
from pipelines.revue.templating import ENV, TEMPLATES


def _script(text: str) -> Markup:
    # inline script bodies: a closing tag inside would end the element early
    return Markup(text.replace("</script", "<\\/script"))


def attach_commentary(sections: list[Section], commentary: Commentary) -> list[Section]:
    """Put each commentary section under its heading; any other goes to an annex."""
    used: set[str] = set()
    for s in sections:
        s.commentary = commentary.take(*s.headings)
        if s.commentary is not None:
            used.update(heading_key(h) for h in s.headings)
    others = commentary.unmatched(used)
    if others:
        body = "".join(
            f'<div class="commentaire"><p class="commentaire-label">'
            f"{Markup.escape(title)}</p>{html}</div>"
            for title, html in others
        )
        sections.append(
            Section(
                "autres-commentaires",
                "Autres commentaires",
                (),
                body,
                subsections=[t for t, _ in others],
            )
        )
    return sections


def document_sections(d: ReviewData, commentary: Commentary) -> list[Section]:
    sections = attach_commentary(build_sections(d), commentary)
    for s in sections:  # trusted markup built by us or by markdown-it (html disabled)
        s.body = Markup(s.body)
        s.commentary = Markup(s.commentary) if s.commentary else None
    return sections


def render_document(sections: list[Section], meta: dict, pages: dict[str, int]) -> str:
    css = (ASSETS / "site.css").read_text(encoding="utf-8")
    css += (TEMPLATES / "revue.css").read_text(encoding="utf-8")
    return ENV.get_template("revue.html.j2").render(
        **meta,
        sections=sections,
        pages=pages,
        css=Markup(css.replace("</style", "<\\/style")),
        plotly_js=_script(PLOTLY_JS.read_text(encoding="utf-8")),
        locale_js=_script((ASSETS / "plotly-locale-fr.js").read_text(encoding="utf-8")),
    )


def render_footer(meta: dict) -> str:
    return ENV.get_template("footer.html.j2").render(**meta)
