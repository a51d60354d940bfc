"""Partner kit (publish/kit-partenaire/): for each partner, one XLSX template per kind and
the French "Guide du partenaire", all derived from the data contract (pipelines/contract)
and the officer's reference.

    <out_dir>/index.html                               the list of partners
    <out_dir>/<code_partenaire>/participants_<code>.xlsx, seances_<code>.xlsx,
                                financements_<code>.xlsx, guide-partenaire.html
"""

from __future__ import annotations

from pathlib import Path

from pipelines.contract import CONTRACT, Contract
from pipelines.kit.guide import layout_for, render_guide, render_index
from pipelines.kit.reference import kit_reference
from pipelines.kit.workbook import template_name, write_template
from pipelines.settings import publish_dirs

GUIDE = "guide-partenaire.html"


def build_partner_kit(
    con_or_reference, out_dir: Path, contract: Contract = CONTRACT, site_dir: Path | None = None
) -> list[Path]:
    """Write the kit of every partner into `out_dir` (a plain folder; the caller publishes
    it). `con_or_reference`: a DuckDB connection with ref.*, or a read Reference.
    `site_dir` (linked from the pages) defaults to the site's folder beside `out_dir`, as
    settings.publish_dirs lays out publish/; the reports are looked for there too."""
    ref = kit_reference(con_or_reference)
    out_dir = Path(out_dir)
    names = publish_dirs(Path())
    site_dir = Path(site_dir) if site_dir else out_dir.parent / names["site"].name
    reports_dir = site_dir.parent / names["rapports"].name
    written: list[Path] = []
    for code, nom in ref.partenaires.select("code_partenaire", "nom").iter_rows():
        folder = out_dir / code
        folder.mkdir(parents=True, exist_ok=True)
        for kind in contract.kinds.values():
            path = folder / template_name(kind.name, code)
            written.append(write_template(path, kind, code, ref, contract))
        layout = layout_for(folder, site_dir, reports_dir, ref.contrat_libelle)
        guide = folder / GUIDE
        guide.write_text(render_guide(code, nom, ref, layout, contract), encoding="utf-8")
        written.append(guide)
    index = out_dir / "index.html"
    layout = layout_for(out_dir, site_dir, reports_dir, ref.contrat_libelle)
    index.write_text(render_index(ref, GUIDE, layout), encoding="utf-8")
    written.append(index)
    return written
