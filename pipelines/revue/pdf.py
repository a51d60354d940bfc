"""Printing the review with the system Chromium (Playwright `page.pdf`): A4, page numbers
in the footer, PDF bookmarks, every chart fully drawn before printing, no network.

Printed twice: the first print tells on which page each chapter starts (read back from the
PDF's bookmarks with pypdf); the numbers are then written into the loaded page's table of
contents (the same numbers the re-rendered HTML file carries) and it is printed again,
without reloading plotly.js nor redrawing the charts.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

CHROMIUM_ENV = "EVAL_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(e => e.querySelector('.main-svg')).length"""
FILL_CONTENTS = """pages => {
    for (const el of document.querySelectorAll('.toc .page[data-section]')) {
        el.textContent = pages[el.dataset.section] ?? '';
    }
}"""
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}


class PrintError(RuntimeError):
    """The document could not be printed (French message for the officer)."""


def chromium_path() -> str:
    path = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    if not Path(path).exists():
        raise PrintError(
            f"Chromium est introuvable ({path}) : installez le paquet « chromium » ou "
            f"indiquez son chemin dans {CHROMIUM_ENV}."
        )
    return path


def chapter_pages(pdf: bytes) -> dict[str, int]:
    """Bookmark title (one per heading, nested as the headings are) -> first page (from 1)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages: dict[str, int] = {}

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages.setdefault(
                    " ".join(item.title.split()), reader.get_destination_page_number(item) + 1
                )

    walk(reader.outline)
    return pages


def print_document(
    html_path: Path,
    pdf_path: Path,
    footer: str,
    rerender: Callable[[dict[str, int]], dict[str, int]] | None = None,
    timeout_ms: float = 120_000,
) -> dict[str, int]:
    """Print `html_path` to `pdf_path`. When `rerender` is given, it is called with the
    chapter pages of a first print; it rewrites `html_path` with them and returns the page
    of each `data-section` of the contents, which are set in the loaded page before it is
    printed again. Returns the chapter pages."""
    errors: list[str] = []
    from playwright.sync_api import sync_playwright  # only when a pack is frozen

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 794, "height": 1123})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
            )

            page.goto(html_path.as_uri(), wait_until="load", timeout=timeout_ms)
            expected = page.locator("figure.chart").count()
            page.wait_for_function(f"() => ({DRAWN})() >= {expected}", timeout=timeout_ms)
            if errors:
                raise PrintError("Erreur dans le document à imprimer : " + errors[0])

            def pdf() -> bytes:
                return page.pdf(
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=footer,
                    margin=MARGIN,
                    outline=True,
                    tagged=True,
                )

            printed = pdf()
            pages = chapter_pages(printed)
            if rerender is not None:
                by_section = rerender(pages)
                page.evaluate(FILL_CONTENTS, by_section)
                printed = pdf()
        finally:
            browser.close()
    pdf_path.write_bytes(printed)
    return pages
