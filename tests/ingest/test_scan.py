"""scan_incoming on a real folder tree: what is found, what is refused, what is skipped."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipelines.ingest.scan import periode_rang, scan_incoming

YEARS = (2024, 2027)
PARTNERS = {"ASSO1", "MLJ"}
CSV = b"id_participant;code_action\nP1;A1\n"


def drop(root: Path, rel: str, content: bytes = CSV) -> Path:
    path = root / "incoming" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def by_rel(root: Path, max_bytes: int = 1000):
    return {f.rel: f for f in scan_incoming(root, YEARS, PARTNERS, max_bytes)}


def test_accepted_file_has_slot_rank_and_streamed_sha(tmp_path):
    content = b"x" * (3 * 1024 * 1024 + 7)  # more than one 1 MiB chunk
    drop(tmp_path, "ASSO1/2025-S2/Participants_bilan.xlsx", content)
    drop(tmp_path, "MLJ/2026/Présences 2026.csv")
    drop(tmp_path, "MLJ/2025-s1/FINANCEMENTS.ods")
    files = by_rel(tmp_path, max_bytes=10 * 1024 * 1024)

    f = files["ASSO1/2025-S2/Participants_bilan.xlsx"]
    assert f.refusal is None
    assert (f.code_partenaire, f.periode, f.periode_rang, f.kind) == (
        "ASSO1",
        "2025-S2",
        20252,
        "participants",
    )
    assert f.sha256 == hashlib.sha256(content).hexdigest()
    assert f.size == len(content)
    assert f.path == tmp_path / "incoming" / "ASSO1/2025-S2/Participants_bilan.xlsx"
    assert files["MLJ/2026/Présences 2026.csv"].kind == "seances"
    low = files["MLJ/2025-s1/FINANCEMENTS.ods"]
    assert (low.periode, low.kind, low.refusal) == ("2025-S1", "financements", None)


def test_periode_rank_order():
    ranks = [periode_rang(p) for p in ("2025-S1", "2025-S2", "2025", "2026-S1", "2026")]
    assert ranks == [20251, 20252, 20253, 20261, 20263]
    assert periode_rang("2025-T1") is None


def test_each_refusal_case(tmp_path):
    drop(tmp_path, "INCONNU/2025/participants.csv")
    drop(tmp_path, "ASSO1/2025-T1/participants.csv")
    drop(tmp_path, "ASSO1/2019/participants.csv")
    drop(tmp_path, "ASSO1/2025/bilan.csv")
    drop(tmp_path, "ASSO1/2025/participants.pdf")
    drop(tmp_path, "ASSO1/2025/participants_vide.csv", b"")
    drop(tmp_path, "ASSO1/2025/participants_gros.csv", b"a" * 1001)
    drop(tmp_path, "participants.csv")
    drop(tmp_path, "ASSO1/participants.csv")
    drop(tmp_path, "ASSO1/2025/sous/participants.csv")
    drop(tmp_path, "ASSO1/2025/..participants.csv")
    files = by_rel(tmp_path)

    rules = {rel: f.refusal_rule for rel, f in files.items()}
    assert rules == {
        "INCONNU/2025/participants.csv": "partenaire_inconnu",
        "ASSO1/2025-T1/participants.csv": "periode_inconnue",
        "ASSO1/2019/participants.csv": "periode_hors_contrat",
        "ASSO1/2025/bilan.csv": "type_inconnu",
        "ASSO1/2025/participants.pdf": "format_non_pris_en_charge",
        "ASSO1/2025/participants_vide.csv": "fichier_vide",
        "ASSO1/2025/participants_gros.csv": "fichier_trop_volumineux",
        "participants.csv": "emplacement_invalide",
        "ASSO1/participants.csv": "emplacement_invalide",
        "ASSO1/2025/sous/participants.csv": "emplacement_invalide",
        "ASSO1/2025/..participants.csv": "nom_interdit",
    }
    assert files["INCONNU/2025/participants.csv"].refusal == (
        "Dossier partenaire inconnu : « INCONNU »."
    )
    assert "2024 à 2027" in files["ASSO1/2019/participants.csv"].refusal
    assert files["ASSO1/2025/participants_vide.csv"].refusal == "Fichier vide (0 octet)."
    # every refused file still carries its real hash (it will be archived)
    assert files["ASSO1/2025/bilan.csv"].sha256 == hashlib.sha256(CSV).hexdigest()


def test_symlinks_are_refused_and_never_followed(tmp_path):
    outside = tmp_path / "secret" / "participants.csv"
    outside.parent.mkdir()
    outside.write_bytes(b"ne pas lire")
    inside = drop(tmp_path, "ASSO1/2025/participants.csv")
    (tmp_path / "incoming/ASSO1/2025/participants_lien.csv").symlink_to(outside)
    (tmp_path / "incoming/ASSO1/2025/seances_lien.csv").symlink_to(inside)
    (tmp_path / "incoming/MLJ").mkdir()
    (tmp_path / "incoming/MLJ/2025").symlink_to(outside.parent, target_is_directory=True)
    files = by_rel(tmp_path)

    assert set(files) == {
        "ASSO1/2025/participants.csv",
        "ASSO1/2025/participants_lien.csv",
        "ASSO1/2025/seances_lien.csv",
        "MLJ/2025",  # the linked folder is reported, its content never listed
    }
    for rel in ("ASSO1/2025/participants_lien.csv", "ASSO1/2025/seances_lien.csv", "MLJ/2025"):
        assert files[rel].refusal_rule == "lien_symbolique"
        assert files[rel].readable is False
    link = files["ASSO1/2025/participants_lien.csv"]
    assert link.sha256 == hashlib.sha256(os.fsencode(str(outside))).hexdigest()
    assert link.sha256 != hashlib.sha256(b"ne pas lire").hexdigest()


def test_hidden_and_lock_files_are_ignored(tmp_path):
    drop(tmp_path, "ASSO1/2025/participants.xlsx")
    drop(tmp_path, "ASSO1/2025/~$participants.xlsx")
    drop(tmp_path, "ASSO1/2025/.~lock.participants.xlsx#")
    drop(tmp_path, "ASSO1/2025/.DS_Store")
    drop(tmp_path, ".cache/participants.csv")
    assert list(by_rel(tmp_path)) == ["ASSO1/2025/participants.xlsx"]


def test_missing_incoming_folder_gives_nothing(tmp_path):
    assert scan_incoming(tmp_path, YEARS, PARTNERS, 1000) == []


def test_unchanged_files_are_not_read_again_but_a_rewrite_with_the_same_size_and_date_is(
    tmp_path,
):
    """The hashes remembered between runs (ingest.scan_hashes), through the real table."""
    import duckdb

    from pipelines.ingest.scan_cache import HashCache
    from pipelines.warehouse import migrate

    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    migrate(con)
    a = drop(tmp_path, "ASSO1/2025/seances.csv", b"id;x\n1;2\n")
    drop(tmp_path, "MLJ/2025/participants.csv", b"id;y\n3;4\n")

    first = HashCache.load(con)
    scan_incoming(tmp_path, YEARS, PARTNERS, 1000, first)
    first.save(con)
    assert first.read == 2

    again = HashCache.load(con)
    files = {f.rel: f for f in scan_incoming(tmp_path, YEARS, PARTNERS, 1000, again)}
    again.save(con)
    assert again.read == 0
    assert files["ASSO1/2025/seances.csv"].sha256 == hashlib.sha256(b"id;x\n1;2\n").hexdigest()

    # same size, modification time set back: the change time still moves
    st = a.stat()
    a.write_bytes(b"id;x\n9;9\n")
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
    third = HashCache.load(con)
    files = {f.rel: f for f in scan_incoming(tmp_path, YEARS, PARTNERS, 1000, third)}
    third.save(con)
    assert third.read == 1
    assert files["ASSO1/2025/seances.csv"].sha256 == hashlib.sha256(b"id;x\n9;9\n").hexdigest()
    # the table holds the new hash: the next scan reads nothing
    fourth = HashCache.load(con)
    scan_incoming(tmp_path, YEARS, PARTNERS, 1000, fourth)
    assert fourth.read == 0
    assert fourth.known["ASSO1/2025/seances.csv"][-1] == hashlib.sha256(b"id;x\n9;9\n").hexdigest()
    con.close()
