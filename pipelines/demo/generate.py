"""Deterministic generator of a fictional contrat de ville and its partners' reports.

    .venv/bin/python -m pipelines.demo.generate --out data [--seed 42] [--people 2000]
    .venv/bin/python -m pipelines.demo.generate --out /tmp/big --people 1000000 --plain

Writes <out>/reference/ (contrat.yaml, actions.csv in cp1252 ';', partenaires.csv,
qpv.csv, cibles.csv) and <out>/incoming/<partenaire>/<periode>/<file>, the reports partners
really send: hand-made XLSX with titles and a Total line, French Excel CSV (cp1252, ';',
'1 250,50 €'), a software export (UTF-8 BOM, ','), an old .xls, LibreOffice .ods.
Same seed -> byte-identical files (fixed document dates and zip timestamps); file mtimes
are set from the report deadlines, and listed in <out>/demo-receptions.csv (path, sha256,
time sent) for pipelines.demo.stamp, which `make run` uses to restore them after a clone.

Demo with the default seed 42 and 2,000 people (committed under data/; a run prints this):
- 2,000 people, all in at least one participants file, 2,271 enrolments; 264 (13 %) followed
  by 2 or 3 partners under the same id_participant; 20 moved to another QPV between two
  enrolments; 293 live outside QPVs (HORS_QPV).
- 6 partners, 14 actions, 3 piliers, 5 QPV; periods 2024, 2025-S1, 2025-S2, 2025, 2026-S1,
  not every partner every period, annual 2025 reports repeating the semesters.
- 62 files (35 xlsx, 20 csv, 4 ods, 3 xls): 3,655 participants rows, 31,989 seances rows,
  171 financements rows (the refused file included).
- Bad rows planted (PLAN in plants.py, about 0.5 %), expected outcome in brackets:
  participants [rejet] action_inconnue 2, action_autre_partenaire 3, sortie_avant_entree 4,
  motif_manquant 5, age_12 3, sexe_invalide 4, doublon_participant 4; [avertissement]
  frein_invalide 4, entree_avant_debut_action 2 (1 in each FJTET 2025-S1 version);
  seances [rejet] doublon_seance 5, [avertissement] seance_sans_inscription 5,
  [ignorée] ligne_total 4 ("Total P-…" lines); financements [rejet] montant_negatif 2.
  Files with a trailing "Total" line (MLCAEN, MEFAC, FJTET, CSCGDD) have one more ignored row.
- Refused file: incoming/MOBILAGGLO/2025/financements-mobagglo-2025.csv ("montant_demande"
  instead of montant_accorde).
- Resubmission: incoming/FJTET/2025-S1/participants_2025-S1.xlsx then
  participants_2025-S1_v2.xlsx (mtime 14 days later, name sorts after), which corrects the
  2 sortie_avant_entree and 2 motif_manquant rows of the first version.
--plain writes the same layout as UTF-8 ';' CSV with canonical values (benchmarks), bad rows
scaled by people/2000, no refused file and no resubmission. With --people 1000000:
1.78 M participants rows and 20.0 M seances rows in about 30 s, 1.2 GB peak memory.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.demo import render, reports
from pipelines.demo.contract import ACTIONS, PARTNERS, PERIODS, PILIERS, QPVS
from pipelines.demo.plants import PLANT_TYPES, plant_versions
from pipelines.demo.population import HORS, draw_population
from pipelines.demo.reference import write_reference
from pipelines.demo.split import split_frame
from pipelines.demo.stamp import write_list
from pipelines.demo.styles import PLAIN_NAMES, STYLES
from pipelines.demo.writers import write

KINDS = ("participants", "seances", "financements")
# Sessions per scheduled step: the demo stays small enough to commit (< 5 MB), the plain
# benchmark aims at about 20 session rows per person.
DEMO_SESSION_DENSITY = 0.7
PLAIN_SESSION_DENSITY = 0.85
REFUSED = ("MOBILAGGLO", "2025", "financements")
RESUBMITTED = ("FJTET", "2025-S1", "participants")


@dataclass
class Summary:
    people: int = 0
    people_in_files: int = 0
    multi_partner: int = 0
    movers: int = 0
    hors_qpv: int = 0
    enrolments: int = 0
    files: list[tuple[str, str, str, int]] = field(default_factory=list)  # path, fmt, kind, rows
    planted: Counter = field(default_factory=Counter)
    planted_by_file: dict[str, dict[str, int]] = field(default_factory=dict)
    refused: str | None = None
    resubmission: tuple[str, str] | None = None

    def rows_by_kind(self) -> Counter:
        c: Counter = Counter()
        for _, _, kind, n in self.files:
            c[kind] += n
        return c

    def lines(self) -> list[str]:
        fmts = Counter(f for _, f, _, _ in self.files)
        out = [
            f"Personnes générées : {self.people:,} (présentes dans les fichiers : "
            f"{self.people_in_files:,})".replace(",", " "),
            f"Suivies par 2 ou 3 partenaires (même id_participant) : {self.multi_partner}",
            f"Changement de QPV entre deux inscriptions : {self.movers} ; hors QPV : "
            f"{self.hors_qpv}",
            f"Inscriptions : {self.enrolments} ; lignes écrites : "
            + ", ".join(f"{k} {n}" for k, n in sorted(self.rows_by_kind().items())),
            f"Fichiers écrits : {len(self.files)} ("
            + ", ".join(f"{k} {n}" for k, n in sorted(fmts.items()))
            + ")",
            "Lignes piégées :",
        ]
        for t, n in sorted(self.planted.items()):
            kind, outcome, label = PLANT_TYPES[t]
            out.append(f"  - {t} ({kind}, {outcome}) : {n} — {label}")
        out.append("Lignes piégées par fichier :")
        for path, done in self.planted_by_file.items():
            out.append(f"  - {path} : " + ", ".join(f"{t} {n}" for t, n in done.items()))
        out.append(f"Fichier à refuser : {self.refused or 'aucun'}")
        if self.resubmission:
            out.append(f"Renvoi : {self.resubmission[0]} puis {self.resubmission[1]}")
        else:
            out.append("Renvoi : aucun")
        return out


def deadline(partner_index: int, periode: str) -> datetime:
    """When the partner sent its report: some weeks after the period's end."""
    end = PERIODS[periode][1]
    sent = datetime(end.year, end.month, end.day, 10, 0, tzinfo=UTC)
    return sent + timedelta(days=18 + 5 * partner_index)


def _set_mtime(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def _frame(pop, kind: str, j: int, periode: str, session_partner: np.ndarray) -> pl.DataFrame:
    if kind == "participants":
        return reports.participants(pop, j, periode)
    if kind == "seances":
        return reports.seances(pop, j, periode, session_partner)
    return reports.financements(pop, j, periode)


def _file_format(partner: str, kind: str, periode: str) -> str:
    style = STYLES[partner]
    if partner == "AFPA14" and periode == "2024":
        return "xls"  # the national template was still the old Excel 97 one
    return style.kind_formats.get(kind, style.fmt)


def _sends(partner: str, kind: str, periode: str) -> bool:
    # funding plans come with yearly or first-half reports (the ML sends them every time)
    return not (kind == "financements" and periode.endswith("-S2") and partner != "MLCAEN")


def _write_demo_file(
    df: pl.DataFrame,
    folder: Path,
    name: str,
    partner: str,
    periode: str,
    kind: str,
    refused: bool = False,
) -> tuple[Path, str]:
    style = STYLES[partner]
    fmt = _file_format(partner, kind, periode)
    mixed = partner == "MLCAEN" and periode == "2026-S1"  # a few dates typed as text
    tab = render.render(df, partner, periode, kind, style, fmt, mixed_exit_dates=mixed)
    if refused:  # wrong template: the amount asked for instead of the amount granted
        i = [c for c, _ in style.headers[kind]].index("montant_accorde")
        tab.header[i] = tab.header[i].replace("accorde", "demande").replace("accordé", "demandé")
    path = folder / name.format(periode=periode, ext=fmt)
    write(path, tab, fmt, encoding=style.encoding, sep=style.sep)
    return path, fmt


def _write_plain_file(df: pl.DataFrame, folder: Path, kind: str, periode: str) -> Path:
    path = folder / PLAIN_NAMES[kind].format(periode=periode)
    path.parent.mkdir(parents=True, exist_ok=True)
    if "inscrit_france_travail" in df.columns:
        df = df.with_columns(
            inscrit_france_travail=pl.when(pl.col("inscrit_france_travail"))
            .then(pl.lit("oui"))
            .otherwise(pl.lit("non"))
        )
    df.write_csv(path, separator=";")
    return path


def generate(
    out: Path, seed: int = 42, people: int = 2000, plain: bool = False, split: int = 1
) -> Summary:
    out = Path(out)
    if split > 1 and not plain:
        raise ValueError("--split ne s'utilise qu'avec --plain")
    write_reference(out / "reference", people, split)
    density = PLAIN_SESSION_DENSITY if plain else DEMO_SESSION_DENSITY
    pop = draw_population(seed, people, density)
    plant_rng = np.random.default_rng([seed, 1])
    known_ids = set(pop.people.ids.tolist())
    scale = max(1, people // 2000)
    session_partner = reports.session_partner(pop)
    summary = _population_summary(pop)
    incoming = out / "incoming"
    seen = np.zeros(people, dtype=bool)
    receptions: list[tuple[str, str, datetime]] = []  # (path under incoming/, sha256, sent)

    for j, partner in enumerate(PARTNERS):
        for periode in partner.periods:
            folder = incoming / partner.code / periode
            sent = deadline(j, periode)
            for kind in KINDS:
                if not _sends(partner.code, kind, periode):
                    continue
                clean = _frame(pop, kind, j, periode, session_partner)
                if clean.is_empty():
                    continue
                if kind == "participants":
                    seen[pop.enrolments.person[reports.participant_rows(pop, j, periode)]] = True
                slot = (partner.code, periode, kind)
                resubmitted = slot == RESUBMITTED and not plain
                versions = plant_versions(clean, *slot, resubmitted, scale, plant_rng, known_ids)
                written = []
                for df, done in versions:
                    summary.planted.update(done)
                    if split > 1:
                        for code, part in split_frame(df, kind, partner.code, split):
                            if part.is_empty():
                                continue
                            sub_folder = incoming / code / periode
                            path = _write_plain_file(part, sub_folder, kind, periode)
                            _set_mtime(path, sent)
                            rel = str(path.relative_to(out))
                            summary.files.append((rel, "csv", kind, part.height))
                        continue
                    if plain:
                        path, fmt = _write_plain_file(df, folder, kind, periode), "csv"
                    else:
                        name = STYLES[partner.code].names[kind]
                        if written:  # the resubmission sorts after the first file
                            name = name.replace(".xlsx", "_v2.xlsx").replace(".{ext}", "_v2.{ext}")
                        refused = slot == REFUSED
                        path, fmt = _write_demo_file(
                            df, folder, name, partner.code, periode, kind, refused
                        )
                        if refused:
                            summary.refused = str(path.relative_to(out))
                    when = sent + timedelta(days=14 * len(written))
                    _set_mtime(path, when)
                    if not plain:
                        digest = hashlib.sha256(path.read_bytes()).hexdigest()
                        receptions.append((path.relative_to(incoming).as_posix(), digest, when))
                    written.append(path)
                    rel = str(path.relative_to(out))
                    summary.files.append((rel, fmt, kind, df.height))
                    if done:
                        summary.planted_by_file[rel] = done
                if len(written) == 2:
                    summary.resubmission = tuple(str(p.relative_to(out)) for p in written)
    summary.people_in_files = int(seen.sum())
    if not plain:  # a git clone loses mtimes: `make run` restores them from this list
        write_list(out, receptions)
    return summary


def _population_summary(pop) -> Summary:
    enr = pop.enrolments
    partners_per_person = np.bincount(enr.person, minlength=len(pop.people.ids))
    # enrolments are sorted by person then date: the first row of a person is the earliest
    persons, first_row = np.unique(enr.person, return_index=True)
    first_qpv = np.zeros(len(pop.people.ids), dtype=np.int16)
    first_qpv[persons] = enr.qpv[first_row]
    moved = np.zeros(len(pop.people.ids), dtype=bool)
    moved[enr.person[enr.qpv != first_qpv[enr.person]]] = True
    return Summary(
        people=len(pop.people.ids),
        multi_partner=int((partners_per_person >= 2).sum()),
        movers=int(moved.sum()),
        hors_qpv=int((pop.people.qpv == HORS).sum()),
        enrolments=len(enr),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="data root (e.g. data)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--plain", action="store_true", help="big plain CSV for benchmarks")
    parser.add_argument(
        "--split",
        type=int,
        default=1,
        help="with --plain: each partner -> N partners, 2N actions each (many-files shape)",
    )
    args = parser.parse_args(argv)
    summary = generate(
        args.out, seed=args.seed, people=args.people, plain=args.plain, split=args.split
    )
    print(
        f"Contrat fictif : {len(PARTNERS)} partenaires, {len(ACTIONS)} actions, "
        f"{len({a.pilier for a in ACTIONS})}/{len(PILIERS)} piliers, {len(QPVS)} QPV"
    )
    for line in summary.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
