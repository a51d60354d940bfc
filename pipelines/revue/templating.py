"""The Jinja2 environment of the review pack's templates (pipelines/revue/templates/)."""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value is text unless marked as Markup by our own code
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


def render(name: str, **context) -> str:
    return ENV.get_template(name).render(**context)
