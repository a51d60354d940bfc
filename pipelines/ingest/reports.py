"""Validation reports for partners (French): one page per received file, plus an overview.

<out_dir>/<file_id>.html         status, counts, version in force, rejected rows, warnings
<out_dir>/<file_id>-rejets.csv   rejected rows for French Excel (';', UTF-8 BOM, no formulas)
<out_dir>/index.html             files of the run, then every file ever received (newest first)
The folder is built aside and swapped in whole (old one renamed aside, new one renamed in,
old one deleted), so a reader never sees it half-written. `out_dir` must be dedicated to
these reports: it is replaced.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.fsutil import staged_dir
from pipelines.ingest.report_html import (
    KIND_LABELS,
    STATUS_LABELS,
    esc,
    esc_expr,
    french_datetime,
    french_size,
    page,
    table,
)
from pipelines.safe_text import neutralise_frame

MAX_HTML_ROWS = 500  # beyond this, the page shows the first rows and points to the CSV
ISSUE_HEADERS = {
    "row_number": "Ligne",
    "colonne": "Colonne",
    "valeur": "Valeur reçue",
    "regle": "Règle",
    "message": "Message",
}

FILES_SQL = """
SELECT f.*, p.nom AS nom_partenaire,
       cur.source_path AS vigueur_source, cur.received_at AS vigueur_recu,
       coalesce(w.n, 0) AS n_avertissements
FROM ingest.files AS f
LEFT JOIN ref.partenaires AS p ON p.code_partenaire = f.code_partenaire
LEFT JOIN ingest.files AS cur
    ON cur.in_force AND cur.code_partenaire = f.code_partenaire
    AND cur.periode = f.periode AND cur.kind = f.kind
LEFT JOIN (SELECT file_id, count(*) AS n FROM ingest.warnings GROUP BY file_id) AS w
    ON w.file_id = f.file_id
ORDER BY f.arrival_seq DESC
"""


def write_validation_index(
    con: duckdb.DuckDBPyConnection, out_dir: Path, run_id: str | None = None
) -> Path:
    """Rewrite only index.html (atomically): a run that received nothing new keeps every
    file's page, but the overview names the latest run."""
    files = con.sql(FILES_SQL).pl()
    target = Path(out_dir) / "index.html"
    tmp = target.with_name(".index.html.tmp")
    tmp.write_text(index_page(files, run_id), encoding="utf-8")
    os.replace(tmp, target)
    return target


def write_validation_reports(
    con: duckdb.DuckDBPyConnection, out_dir: Path, run_id: str | None = None
) -> list[Path]:
    """Write every file's report and index.html; `run_id` defaults to the latest run."""
    out_dir = Path(out_dir)
    files = con.sql(FILES_SQL).pl()
    if run_id is None and files.height:
        run_id = files.get_column("run_id")[0]
    rejections = _by_file(_issues(con, "ingest.rejections"))
    warnings = _by_file(_issues(con, "ingest.warnings"))
    empty = _issues(con, "ingest.rejections", limit=0).drop("file_id")
    written: list[str] = []
    with staged_dir(out_dir) as build:
        for row in files.iter_rows(named=True):
            rejected = rejections.get(row["file_id"], empty)
            warned = warnings.get(row["file_id"], empty)
            csv_name = f"{row['file_id']}-rejets.csv"
            write_rejections_csv(rejected, build / csv_name)
            if warned.height:
                write_rejections_csv(warned, build / f"{row['file_id']}-avertissements.csv")
                written.append(f"{row['file_id']}-avertissements.csv")
            page_name = f"{row['file_id']}.html"
            (build / page_name).write_text(
                file_page(row, rejected, warned, csv_name), encoding="utf-8"
            )
            written += [page_name, csv_name]
        (build / "index.html").write_text(index_page(files, run_id), encoding="utf-8")
        written.append("index.html")
    return [out_dir / name for name in written]


def _issues(
    con: duckdb.DuckDBPyConnection, table_name: str, limit: int | None = None
) -> pl.DataFrame:
    return con.sql(
        f"SELECT file_id, row_number, colonne, valeur, regle, message FROM {table_name} "
        "ORDER BY file_id, row_number NULLS FIRST, colonne, regle"
        + ("" if limit is None else f" LIMIT {int(limit)}")
    ).pl()


def _by_file(issues: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """One frame per file, split in a single pass (not one filter per file ever received)."""
    return {
        key[0]: frame.drop("file_id")
        for key, frame in issues.partition_by("file_id", as_dict=True).items()
    }


def write_rejections_csv(rejected: pl.DataFrame, path: Path) -> None:
    """Rejected rows for French Excel; text that Excel would run as a formula gets a '."""
    neutralised = neutralise_frame(rejected.select(list(ISSUE_HEADERS))).rename(ISSUE_HEADERS)
    neutralised.write_csv(path, separator=";", include_bom=True)


def _in_force_sentence(row: dict) -> str:
    other = (
        f"« {esc(row['vigueur_source'])} », reçu le {french_datetime(row['vigueur_recu'])}"
        if row["vigueur_source"]
        else None
    )
    if row["in_force"]:
        return (
            "Oui : c'est la version en vigueur pour ce partenaire, cette période et ce type "
            "de fichier."
        )
    if row["status"] == "identique":
        return (
            f"Non : contenu identique (même empreinte sha256) à la version en vigueur {other} ;"
            " rien n'a changé."
        )
    if row["status"] == "refuse":
        if other:
            return (
                f"Non : fichier refusé. La version acceptée précédemment, {other}, "
                "reste en vigueur."
            )
        return (
            "Non : fichier refusé. Aucune version acceptée n'est en vigueur pour ce partenaire, "
            "cette période et ce type de fichier."
        )
    if other:
        return f"Non : remplacé par un envoi plus récent, {other}."
    return "Non."


def _issues_section(title: str, issues: pl.DataFrame, empty: str, csv_name: str, what: str) -> str:
    parts = [f"<h2>{esc(title)} ({issues.height})</h2>"]
    if issues.height == 0:
        return parts[0] + f"<p>{esc(empty)}</p>"
    parts.append(
        f'<p><a href="{esc(csv_name)}" download>Télécharger les {what} '
        "(fichier CSV pour Excel)</a></p>"
    )
    if issues.height > MAX_HTML_ROWS:
        parts.append(
            f'<p class="note">Seules les {MAX_HTML_ROWS} premières lignes sont affichées '
            "ci-dessous ; le fichier CSV les contient toutes.</p>"
        )
    parts.append(table(issues.head(MAX_HTML_ROWS), ISSUE_HEADERS, numeric=("row_number",)))
    return "\n".join(parts)


def file_page(row: dict, rejected: pl.DataFrame, warned: pl.DataFrame, csv_name: str) -> str:
    name = Path(row["source_path"]).name
    status = row["status"]
    partner = esc(row["code_partenaire"])
    if row["nom_partenaire"]:
        partner += f" — {esc(row['nom_partenaire'])}"
    facts = [
        ("Fichier", esc(row["source_path"])),
        ("Partenaire", partner),
        ("Période", esc(row["periode"])),
        ("Type de fichier", esc(KIND_LABELS.get(row["kind"], row["kind"] or "inconnu"))),
        ("Reçu le", french_datetime(row["received_at"])),
        ("Taille", french_size(row["size_bytes"])),
        ("Empreinte sha256", f"<code>{esc(row['sha256'])}</code>"),
        (
            "Statut",
            f'<span class="statut {esc(status)}">{esc(STATUS_LABELS.get(status, status))}</span>',
        ),
        ("Version en vigueur", _in_force_sentence(row)),
    ]
    body = [
        f"<h1>Rapport de validation : {esc(name)}</h1>",
        '<p><a href="index.html">← Tous les fichiers reçus</a></p>',
        "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
    ]
    if row["message"]:
        body.append(
            f'<p class="message"><strong>Motif du refus :</strong> {esc(row["message"])}</p>'
        )
    counts = [
        ("Lignes lues", row["rows_read"]),
        ("Lignes acceptées", row["rows_accepted"]),
        ("Lignes rejetées", row["rows_rejected"]),
        ("Lignes ignorées (lignes « Total »)", row["rows_ignored"]),
        ("Avertissements", row["n_avertissements"]),
    ]
    body.append("<h2>Décompte des lignes</h2>")
    body.append(
        "<table><tbody>"
        + "".join(f'<tr><th>{k}</th><td class="n">{v or 0}</td></tr>' for k, v in counts)
        + "</tbody></table>"
    )
    body.append(
        _issues_section(
            "Lignes rejetées", rejected, "Aucune ligne rejetée.", csv_name, "lignes rejetées"
        )
        + '\n<p class="note">Une ligne rejetée n\'est pas prise en compte ; corrigez-la et '
        "renvoyez le fichier complet (il remplacera celui-ci).</p>"
    )
    body.append(
        _issues_section(
            "Avertissements (lignes conservées)",
            warned,
            "Aucun avertissement.",
            csv_name.replace("-rejets.csv", "-avertissements.csv"),
            "avertissements",
        )
    )
    return page(f"Rapport de validation — {name}", "\n".join(body))


def _overview(files: pl.DataFrame) -> pl.DataFrame:
    status_label = pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status"))
    return files.with_columns(
        pl.concat_str(
            [
                pl.lit('<a href="'),
                esc_expr(pl.col("file_id")),
                pl.lit('.html">'),
                esc_expr(pl.col("source_path")),
                pl.lit("</a>"),
            ]
        ).alias("fichier_html"),
        pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind")).alias("type"),
        pl.col("received_at").dt.strftime("%d/%m/%Y %H:%M").alias("recu"),
        status_label.alias("statut"),
        pl.when(pl.col("in_force")).then(pl.lit("oui")).otherwise(pl.lit("non")).alias("vigueur"),
    )


OVERVIEW_HEADERS = {
    "fichier_html": "Fichier",
    "code_partenaire": "Partenaire",
    "periode": "Période",
    "type": "Type",
    "recu": "Reçu le",
    "statut": "Statut",
    "vigueur": "En vigueur",
    "rows_read": "Lues",
    "rows_accepted": "Acceptées",
    "rows_rejected": "Rejetées",
    "rows_ignored": "Ignorées",
    "n_avertissements": "Avertissements",
}
_NUMERIC = ("rows_read", "rows_accepted", "rows_rejected", "rows_ignored", "n_avertissements")


def index_page(files: pl.DataFrame, run_id: str | None) -> str:
    overview = _overview(files)
    of_run = overview.filter(pl.col("run_id") == (run_id or "")).sort("arrival_seq")
    body = [
        "<h1>Rapports de validation des fichiers reçus</h1>",
        f'<p class="note">Généré le {french_datetime(datetime.now())}.</p>',
        f"<h2>Fichiers traités lors de cette exécution ({of_run.height})</h2>",
        f'<p class="note">Exécution : <code>{esc(run_id or "aucune")}</code></p>',
    ]
    if of_run.height:
        body.append(table(of_run, OVERVIEW_HEADERS, numeric=_NUMERIC))
    else:
        body.append(
            "<p>Aucun nouveau fichier lors de cette exécution : les fichiers déjà reçus et "
            "inchangés ne sont pas retraités.</p>"
        )
    body.append(f"<h2>Tous les fichiers reçus, du plus récent au plus ancien ({files.height})</h2>")
    body.append(table(overview, OVERVIEW_HEADERS, numeric=_NUMERIC))
    return page("Rapports de validation", "\n".join(body))
