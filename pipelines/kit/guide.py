"""The French "Guide du partenaire" page and the kit's index, rendered with the site's
template set (dashboards/templates: partner_guide.html, partner_kit_index.html), so they
share its header, navigation and style; reference texts are escaped by autoescape."""

from __future__ import annotations

import os
from pathlib import Path

from dashboards.render import render
from pipelines.contract import CONTRACT, Contract, codes_at
from pipelines.ingest.report_html import Layout
from pipelines.kit.reference import KitReference
from pipelines.kit.workbook import choices, required_text, rule_lines, template_name


def layout_for(page_dir: Path, site_dir: Path, reports_dir: Path, title: str | None) -> Layout:
    """Relative links from a kit page to the site, and from the site to the reports."""
    to_site = Path(os.path.relpath(site_dir.resolve(), page_dir.resolve())).as_posix()
    reports = Path(os.path.relpath(reports_dir.resolve(), site_dir.resolve())).as_posix()
    return Layout(title or "Contrat de ville", to_site + "/", reports + "/index.html")


def render_guide(
    code_partenaire: str,
    nom: str,
    ref: KitReference,
    layout: Layout,
    contract: Contract = CONTRACT,
) -> str:
    actions = ref.actions_of(code_partenaire)
    partner_actions = [
        (c, label or c) for c, label in actions.select("code_action", "libelle").iter_rows()
    ]
    kinds = []
    for kind in contract.kinds.values():
        columns = [
            {
                "label": column.label,
                "name": column.name,
                "required": required_text(column, kind),
                "help": column.help or contract.types[column.type].help,
                # the actions are listed once, above the tables
                "codes": None
                if column.type == "action"
                else choices(column, partner_actions, ref, contract),
            }
            for column in kind.columns
        ]
        kinds.append(
            {
                "name": kind.name,
                "label": kind.label,
                "description": kind.description,
                "prefixes": kind.prefixes,
                "template": template_name(kind.name, code_partenaire),
                "columns": columns,
                "rules": rule_lines(kind, contract),
            }
        )
    refusals = [contract.rule(c) for c in sorted(codes_at("scan") | codes_at("file"))]
    title = f"Guide du partenaire – {nom or code_partenaire} ({code_partenaire})"
    return render(
        "partner_guide.html",
        **layout.context(title, current=""),
        partner={"code": code_partenaire, "nom": nom or code_partenaire},
        version=contract.version,
        years=ref.years,
        example_year=ref.years[0],
        kinds=kinds,
        actions=partner_actions,
        refusals=refusals,
        warnings=[contract.rule(c) for c in sorted(codes_at("cross_file"))],
    )


def render_index(ref: KitReference, guide: str, layout: Layout) -> str:
    partners = [
        (c, n or c) for c, n in ref.partenaires.select("code_partenaire", "nom").iter_rows()
    ]
    return render(
        "partner_kit_index.html",
        **layout.context(f"Kit partenaire – {ref.contrat_libelle}", current=""),
        partners=partners,
        guide=guide,
    )
