"""Bad partner files dropped beside good ones: each is refused with a French message, in
ingest.files and in its validation report; the run succeeds; the good rows are in staging."""

from __future__ import annotations

import hashlib
import html
import os

import pytest
from ops_kit import (
    ASSO1_SEANCES,
    GOOD_FILES,
    GOOD_ROWS,
    PARTICIPANTS_HEADER,
    SEANCES_HEADER,
    build_small_root,
    query,
    run_in_process,
    write_csv,
)

from pipelines import settings

LIMIT_MB = "0.01"  # EVAL_MAX_FILE_MB for this run: 10,485 bytes

# A valid participants row whose id marks rows that must never reach the warehouse.
INTRUDER = ["X900", "A1", "15/01/2025", "", "", "F", "1990", "QN01404M", "bac", "oui", "", ""]


def _drop_bad_files(root, outside):
    incoming = root / "incoming"
    bad = {}

    def path(rel):
        p = incoming / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    corrupt = path("ASSO1/2025/seances_corrompu.xlsx")
    corrupt.write_bytes(b"PK\x03\x04" + b"\x14\x00\x06\x00" + bytes(range(200)) * 3)
    bad["ASSO1/2025/seances_corrompu.xlsx"] = ("illisible", "endommagé")

    junk = path("MLJ/2025/seances_mlj.csv")
    junk.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4000)))
    bad["MLJ/2025/seances_mlj.csv"] = ("illisible", "illisible")

    path("ASSO1/2025-S1/participants_vide.csv").write_bytes(b"")
    bad["ASSO1/2025-S1/participants_vide.csv"] = ("fichier_vide", "vide")

    write_csv(path("MLJ/2025-S1/participants_mlj.csv"), [PARTICIPANTS_HEADER])
    bad["MLJ/2025-S1/participants_mlj.csv"] = ("fichier_vide", "vide")

    big_rows = [[f"X{i:03d}", *INTRUDER[1:]] for i in range(300)]  # about 20 kB, valid rows
    write_csv(path("ASSO1/2025-S2/participants_gros.csv"), [PARTICIPANTS_HEADER, *big_rows])
    bad["ASSO1/2025-S2/participants_gros.csv"] = ("fichier_trop_volumineux", "volumineux")

    write_csv(outside, [SEANCES_HEADER, ["X901", "A1", "20/01/2025", "present"]])
    os.symlink(outside, path("ASSO1/2025-S1/seances_lien.csv"))
    bad["ASSO1/2025-S1/seances_lien.csv"] = ("lien_symbolique", "Lien symbolique")

    write_csv(path("INCONNU/2025/participants.csv"), [PARTICIPANTS_HEADER, INTRUDER])
    bad["INCONNU/2025/participants.csv"] = ("partenaire_inconnu", "partenaire inconnu")

    write_csv(path("ASSO1/2031/participants.csv"), [PARTICIPANTS_HEADER, INTRUDER])
    bad["ASSO1/2031/participants.csv"] = ("periode_hors_contrat", "hors des années du contrat")

    write_csv(path("ASSO1/2025-S3/participants.csv"), [PARTICIPANTS_HEADER, INTRUDER])
    bad["ASSO1/2025-S3/participants.csv"] = ("periode_inconnue", "période inconnu")
    return bad


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    root = build_small_root(tmp / "data")
    bad = _drop_bad_files(root, tmp / "hors_depot.csv")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVAL_MAX_FILE_MB", LIMIT_MB)
        result = run_in_process(root, mp)
    return root, bad, result


def test_each_bad_file_is_refused_with_a_french_message(bad_run):
    root, bad, _ = bad_run
    rows = query(
        root,
        "SELECT source_path, status, in_force, refusal_rule, message, file_id FROM ingest.files",
    )
    by_path = {r[0]: r for r in rows}
    assert set(by_path) == set(bad) | {rel for rel, _, _ in GOOD_FILES}
    for rel, (rule, words) in bad.items():
        _, status, in_force, refusal_rule, message, _ = by_path[rel]
        assert (status, in_force) == ("refuse", False), rel
        assert refusal_rule == rule, (rel, refusal_rule)
        assert words.casefold() in message.casefold(), (rel, message)
    for rel, _, _ in GOOD_FILES:
        assert by_path[rel][1:3] == ("accepte", True), rel


def test_each_refusal_is_in_the_file_validation_report(bad_run):
    root, bad, _ = bad_run
    reports = root / "publish" / "rapports"
    overview = (reports / "index.html").read_text(encoding="utf-8")
    for rel in bad:
        file_id, message = query(
            root, "SELECT file_id, message FROM ingest.files WHERE source_path = ?", [rel]
        )[0]
        page = (reports / f"{file_id}.html").read_text(encoding="utf-8")
        assert 'lang="fr"' in page
        assert html.escape(message, quote=True) in page, rel
        assert "Refusé" in page
        assert html.escape(rel, quote=True) in overview


def test_good_rows_reach_staging_and_nothing_from_refused_files(bad_run):
    root, _, _ = bad_run
    for kind, expected in GOOD_ROWS.items():
        assert query(root, f"SELECT count(*) FROM staging.{kind}")[0][0] == expected, kind
    people = {r[0] for r in query(root, "SELECT DISTINCT id_participant FROM staging.participants")}
    assert people == {f"P00{i}" for i in range(1, 8)}
    seances = query(root, "SELECT id_participant, presence FROM staging.seances ORDER BY ALL")
    assert seances == sorted((r[0], r[3]) for r in ASSO1_SEANCES)
    for kind in ("participants", "seances"):
        leaked = query(root, f"SELECT count(*) FROM raw.{kind} WHERE id_participant LIKE 'X%'")
        assert leaked == [(0,)], kind


def test_every_regular_file_is_archived_and_the_symlink_is_never_followed(bad_run):
    root, bad, _ = bad_run
    archive = root / "archive"
    for rel in [*bad, *(g[0] for g in GOOD_FILES)]:
        source = root / "incoming" / rel
        if source.is_symlink():
            assert query(
                root, "SELECT archive_path FROM ingest.files WHERE source_path = ?", [rel]
            ) == [("",)]
            continue
        sha = hashlib.sha256(source.read_bytes()).hexdigest()
        copy = archive / sha[:2] / f"{sha}{source.suffix.lower()}"
        assert copy.read_bytes() == source.read_bytes(), rel
    archived = {p.read_bytes() for p in archive.rglob("*") if p.is_file()}
    assert (root.parent / "hors_depot.csv").read_bytes() not in archived


def test_the_checks_show_each_outcome_and_stay_warnings(bad_run):
    _, bad, result = bad_run
    assert result.success
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    refused = checks["aucun_fichier_refuse"]
    assert not refused.passed
    assert refused.severity.value == "WARN"
    assert refused.metadata["refuses"].value == len(bad)
    assert checks["aucune_ligne_rejetee"].passed


def test_size_limit_is_read_from_eval_max_file_mb(monkeypatch):
    monkeypatch.delenv("EVAL_MAX_FILE_MB", raising=False)
    assert settings.max_file_bytes() == 200 * 1024 * 1024
    monkeypatch.setenv("EVAL_MAX_FILE_MB", "0,5")  # typed the French way
    assert settings.max_file_bytes() == 512 * 1024
    for wrong in ("zéro", "0", "-3", "inf"):
        monkeypatch.setenv("EVAL_MAX_FILE_MB", wrong)
        with pytest.raises(ValueError, match="EVAL_MAX_FILE_MB doit être"):
            settings.max_file_bytes()
