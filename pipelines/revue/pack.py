"""Freezing a review pack: <root>/publish/revues/<date>-<slug>/, never touched again.

The pack is built in a hidden sibling folder and renamed in only when complete (a rename
that refuses to replace anything), so a killed freeze leaves no half-written pack; the
next freeze removes its leftovers. Freezes are serialised by the warehouse lock, which the
caller holds through the connection it passes.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from dashboards.format import format_date
from pipelines import settings
from pipelines.publish.tables import data_vintage, export_tables, millesime_text
from pipelines.revue.catalogue import MILLESIME, list_packs, revues_dir
from pipelines.revue.commentary import read_commentary
from pipelines.revue.content import ReviewData, load_review_data
from pipelines.revue.pdf import print_document
from pipelines.revue.render import document_sections, render_document, render_footer

MANIFEST = "MANIFEST.sha256"
TABLES = "tables"
PARIS = ZoneInfo("Europe/Paris")
MAX_LABEL = 150
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


class RevueRefusee(ValueError):
    """A freeze refused before anything is written (French message for the officer)."""


@dataclass(frozen=True)
class FrozenPack:
    path: Path
    libelle: str
    files: int
    seconds: float


def slugify(libelle: str) -> str:
    """`COPIL du 15 mars 2027` -> `copil-du-15-mars-2027` (ASCII, for a folder name)."""
    text = unicodedata.normalize("NFKD", libelle)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")


def check_label(libelle: str) -> str:
    libelle = " ".join((libelle or "").split())
    if not libelle or not slugify(libelle):
        raise RevueRefusee(
            "Indiquez le libellé de la revue, par exemple "
            '`make revue LIBELLE="COPIL du 15 mars 2027"`.'
        )
    if len(libelle) > MAX_LABEL:
        raise RevueRefusee(f"Le libellé de la revue dépasse {MAX_LABEL} caractères.")
    return libelle


def _already_frozen(revues: Path, libelle: str) -> str | None:
    slug = slugify(libelle)
    for meta in list_packs(revues):
        if slugify(meta.get("libelle", "")) == slug:
            return meta["dossier"]
    return None


def product_version() -> str:
    version = metadata.version("eval-contrat-ville")
    try:
        commit = subprocess.run(
            ["git", "-C", str(settings.REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version} (commit {commit})" if commit else version


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _reference_hashes(root: Path) -> dict[str, str]:
    ref = Path(root) / "reference"
    if not ref.is_dir():
        return {}
    return {p.name: _sha256(p) for p in sorted(ref.iterdir()) if p.is_file()}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def vintage(con: duckdb.DuckDBPyConnection, d: ReviewData, root: Path) -> dict:
    date_max, empreinte = data_vintage(con)
    provisional = (
        None if d.provisional is None else sorted(p for p, v in d.provisional.items() if v)
    )
    return {
        "date_arrete": _iso(d.date_arrete),
        "date_reception_max": _iso(date_max),
        "empreinte": empreinte,
        "millesime": millesime_text(date_max, empreinte),
        "version_produit": product_version(),
        "periodes_provisoires": provisional,
        "fichiers_en_vigueur": [f for f in d.files if f["in_force"]],
        "fichiers_recus": d.files,
        "referentiel": _reference_hashes(root),
    }


def _cover(d: ReviewData, libelle: str, today: date, v: dict) -> dict:
    contrat = d.site.contrat
    provisional = v["periodes_provisoires"]
    if provisional is None:
        provisoires = "information non disponible (calendrier des remontées non calculé)"
    else:
        provisoires = (
            ", ".join(d.period_label(p).replace(" (provisoire)", "") for p in provisional)
            or "aucune"
        )
    received = v["date_reception_max"]
    return {
        "contrat": contrat.get("libelle") or contrat.get("code") or "Contrat de ville",
        "libelle": libelle,
        "date_revue": format_date(today),
        "date_arrete": format_date(d.date_arrete),
        "millesime": v["millesime"],
        "date_reception": format_date(datetime.fromisoformat(received)) if received else "—",
        "empreinte": v["empreinte"] or "—",
        "provisoires": provisoires,
        "version": v["version_produit"],
    }


def _write_manifest(build: Path) -> int:
    files = sorted(
        p for p in build.rglob("*") if p.is_file() and p.relative_to(build).as_posix() != MANIFEST
    )
    lines = [f"{_sha256(p)}  {p.relative_to(build).as_posix()}\n" for p in files]
    (build / MANIFEST).write_text("".join(lines), encoding="utf-8")
    return len(files) + 1


def _seal(build: Path) -> None:
    """Flush every file to disk and make it read-only: a pack is never edited."""
    for p in sorted(build.rglob("*"), reverse=True):
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(p, 0o444)
    os.chmod(build, 0o755)


def _rename_no_replace(src: Path, dst: Path) -> None:
    """Rename that never replaces an existing pack (renameat2 RENAME_NOREPLACE on Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        res = libc.renameat2(
            _AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE
        )
        if res == 0:
            return
        err = ctypes.get_errno()
        if err == 17:  # EEXIST
            raise FileExistsError(dst)
    except (OSError, AttributeError) as exc:
        if isinstance(exc, FileExistsError):
            raise
    if dst.exists():
        raise FileExistsError(dst)
    os.rename(src, dst)


def _remove_leftovers(revues: Path) -> None:
    for stale in revues.glob(".*.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def freeze_review(
    con: duckdb.DuckDBPyConnection, root: Path, libelle: str, now: datetime | None = None
) -> FrozenPack:
    """Write the pack of the publication as it stands in the warehouse (marts.*)."""
    started = time.perf_counter()
    libelle = check_label(libelle)
    now = now or datetime.now(PARIS)
    today = now.date()
    revues = revues_dir(root)
    revues.mkdir(parents=True, exist_ok=True)
    existing = _already_frozen(revues, libelle)
    if existing:
        raise RevueRefusee(
            f"Une revue « {libelle} » est déjà figée (dossier {existing}) : une revue figée "
            "n'est jamais remplacée. Choisissez un autre libellé."
        )
    target = revues / f"{today:%Y-%m-%d}-{slugify(libelle)}"
    if target.exists():
        raise RevueRefusee(f"Le dossier {target.name} existe déjà : choisissez un autre libellé.")
    _remove_leftovers(revues)
    build = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=revues))
    try:
        d = load_review_data(con, today)
        export_tables(con, build / TABLES)
        v = vintage(con, d, root)
        meta = _cover(d, libelle, today, v)
        sections = document_sections(d, read_commentary(Path(root) / "reference"))
        html_path = build / "revue.html"

        def write_html(pages: dict[str, int]) -> dict[str, int]:
            by_id = {
                s.id: pages[f"{i}. {s.title}"]
                for i, s in enumerate(sections, 1)
                if f"{i}. {s.title}" in pages
            }
            html_path.write_text(render_document(sections, meta, by_id), encoding="utf-8")
            return by_id

        write_html({})
        print_document(html_path, build / "revue.pdf", render_footer(meta), rerender=write_html)
        millesime = {
            "format": 1,
            "libelle": libelle,
            "date_revue": today.isoformat(),
            "fige_le": now.isoformat(timespec="seconds"),
            "contrat": {"code": d.site.contrat.get("code"), "libelle": meta["contrat"]},
            **v,
            "tables": sorted(f"{TABLES}/{p.name}" for p in (build / TABLES).iterdir()),
        }
        (build / MILLESIME).write_text(
            json.dumps(millesime, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        files = _write_manifest(build)
        _seal(build)
        try:
            _rename_no_replace(build, target)
        except FileExistsError:
            raise RevueRefusee(
                f"Le dossier {target.name} existe déjà : choisissez un autre libellé."
            ) from None
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return FrozenPack(target, libelle, files, time.perf_counter() - started)
