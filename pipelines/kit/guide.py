"""The French "Guide du partenaire" page: columns, codes, rules, naming and dropping files.
Rendered with Jinja2 (autoescape on): reference texts are the officer's, never trusted."""

from __future__ import annotations

from pathlib import Path

import jinja2

from pipelines.contract import CONTRACT, Contract, codes_at
from pipelines.ingest.report_html import CSS
from pipelines.kit.reference import KitReference
from pipelines.kit.workbook import choices, required_text, rule_lines, template_name

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render_guide(
    code_partenaire: str, nom: str, ref: KitReference, contract: Contract = CONTRACT
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
                "codes": choices(column, partner_actions, ref, contract)
                if column.type != "action"
                else None,
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
    warnings = [contract.rule(c) for c in sorted(codes_at("cross_file"))]
    return _ENV.get_template("guide.html.j2").render(
        partner={"code": code_partenaire, "nom": nom or code_partenaire},
        contrat=ref.contrat_libelle,
        version=contract.version,
        years=ref.years,
        example_year=ref.years[0],
        kinds=kinds,
        actions=partner_actions,
        refusals=[r for r in refusals if r.code != "erreur_traitement"],
        warnings=warnings,
        css=CSS,
    )


def render_index(ref: KitReference, guide: str) -> str:
    partners = [
        (c, n or c) for c, n in ref.partenaires.select("code_partenaire", "nom").iter_rows()
    ]
    return _ENV.get_template("index.html.j2").render(
        contrat=ref.contrat_libelle, partners=partners, guide=guide, css=CSS
    )
