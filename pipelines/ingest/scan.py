"""Find partner drops under <root>/incoming/<code_partenaire>/<periode>/<file>.

Every entry found is returned, with a French `refusal` when it cannot be used whatever
its content (bad place, unknown partner or period, name, extension, size, symlink).
Hidden files and office lock files (`.x`, `~$x.xlsx`, `.~lock.x#`) are skipped silently:
they are made by the partner's computer (Finder, LibreOffice, Excel), not sent as a
report, so skipping them loses nothing a partner submitted.
Symlinks are never followed: they are refused and only the link text is hashed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.ingest.parse import MAX_BYTES, detect_kind
from pipelines.ingest.scan_cache import HashCache, stat_key

SUPPORTED_EXTENSIONS = (".csv", ".xlsx", ".xls", ".ods")
DEFAULT_MAX_BYTES = MAX_BYTES
CHUNK = 1024 * 1024
# Files are hashed by this many threads (hashlib and reads release the GIL): the first run
# of a big contract reads 1.3 GB before any file can be parsed.
HASH_THREADS = 2

_PERIODE_RE = re.compile(r"^(\d{4})(?:-S([12]))?$", re.IGNORECASE)


@dataclass(frozen=True)
class IncomingFile:
    rel: str  # posix path relative to incoming/
    path: Path  # absolute path (not resolved: a symlink stays a symlink)
    code_partenaire: str | None
    periode: str | None
    periode_rang: int | None
    kind: str | None
    size: int
    mtime: datetime  # local time, naive
    sha256: str
    refusal: str | None = None  # French, for the partner
    refusal_rule: str | None = None  # short code stored in ingest.files
    readable: bool = True  # False for symlinks / special files: never opened nor archived
    # (v2) reception date: calendar date in Europe/Paris of the modification time
    date_reception: date | None = None
    # scan_cache.stat_key when scanned (regular files): unchanged after the archive copy, the
    # copy holds the scanned bytes (registry.stage_archive)
    scanned_as: tuple[int, int, int, int, int] | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def slot(self) -> tuple[str, str, str] | None:
        if self.code_partenaire and self.periode and self.kind:
            return (self.code_partenaire, self.periode, self.kind)
        return None


PARIS = ZoneInfo("Europe/Paris")


def reception_date(mtime_ns: int) -> date:
    """Data contract section 6: the calendar date in Europe/Paris of the modification time."""
    return datetime.fromtimestamp(mtime_ns / 1e9, PARIS).date()


def periode_bounds(periode: str) -> tuple[date, date] | None:
    """First and last day of a report period: 2025-S1 = 1 Jan-30 Jun, 2025 and 2025-S2 end
    on 31 Dec (data contract sections 3 and 6)."""
    m = _PERIODE_RE.match(periode or "")
    if not m:
        return None
    year, half = int(m.group(1)), m.group(2)
    if half == "1":
        return date(year, 1, 1), date(year, 6, 30)
    if half == "2":
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def periode_rang(periode: str) -> int | None:
    """2025-S1 -> 20251, 2025-S2 -> 20252, 2025 -> 20253 (so S1 < S2 < year < next S1)."""
    m = _PERIODE_RE.match(periode)
    if not m:
        return None
    half = m.group(2)
    return int(m.group(1)) * 10 + (int(half) if half else 3)


def normalise_periode(periode: str) -> str | None:
    m = _PERIODE_RE.match(periode)
    if not m:
        return None
    return m.group(1) + (f"-S{m.group(2)}" if m.group(2) else "")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_ignored_name(name: str) -> bool:
    """Hidden files, Excel (~$x) and LibreOffice (.~lock.x#) lock files."""
    return name.startswith((".", "~$")) and ".." not in name


def scan_incoming(
    root: Path,
    contract_years: tuple[int, int],
    partners: set[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    hashes: HashCache | None = None,
) -> list[IncomingFile]:
    """Every file under incoming/, inspected; `hashes` remembers the sha256 of unchanged
    files between runs (pipelines/ingest/scan_cache.py)."""
    hashes = hashes if hashes is not None else HashCache()
    incoming = Path(root) / "incoming"
    if not incoming.is_dir():
        return []
    base = incoming.resolve()
    entries: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(incoming, followlinks=False):
        here = Path(dirpath)
        kept_dirs = []
        for d in sorted(dirnames):
            entry = here / d
            if is_ignored_name(d):
                continue
            if entry.is_symlink():  # os.walk lists it but does not enter it: report it
                entries.append(entry)
            else:
                kept_dirs.append(d)
        dirnames[:] = kept_dirs
        entries += [here / name for name in sorted(filenames) if not is_ignored_name(name)]

    def inspect(entry: Path) -> IncomingFile:
        return _inspect_or_refuse(
            entry, incoming, base, contract_years, partners, max_bytes, hashes
        )

    with ThreadPoolExecutor(HASH_THREADS) as pool:
        found = list(pool.map(inspect, entries))
    return sorted(found, key=lambda f: f.rel)


def _inspect_or_refuse(path: Path, incoming: Path, base: Path, *args) -> IncomingFile:
    """A file that vanishes or cannot be read while scanned is refused, never fatal."""
    try:
        return _inspect(path, incoming, base, *args)
    except OSError as err:
        rel = os.fsencode("/".join(path.relative_to(incoming).parts)).decode(errors="replace")
        parts = rel.split("/")
        return IncomingFile(
            rel=rel,
            path=path,
            code_partenaire=parts[0] if len(parts) > 1 else None,
            periode=parts[1] if len(parts) > 2 else None,
            periode_rang=None,
            kind=None,
            size=0,
            mtime=datetime.now(),
            sha256=hashlib.sha256(b"").hexdigest(),
            refusal=f"Fichier illisible sur le disque ({err.strerror or err}) : déposez-le à "
            "nouveau.",
            refusal_rule="illisible",
            readable=False,
        )


def _canonical_partner(folder: str, partners: set[str]) -> str | None:
    if folder in partners:
        return folder
    matches = [p for p in partners if p.casefold() == folder.casefold()]
    return matches[0] if len(matches) == 1 else None


def _inspect(
    path: Path,
    incoming: Path,
    base: Path,
    contract_years: tuple[int, int],
    partners: set[str],
    max_bytes: int,
    hashes: HashCache,
) -> IncomingFile:
    parts = path.relative_to(incoming).parts
    rel = "/".join(parts)
    try:
        rel.encode("utf-8")
        readable_name = True
    except UnicodeEncodeError:  # e.g. a Latin-1 name left by unzipping a Windows archive
        rel = os.fsencode(rel).decode("utf-8", errors="replace")
        readable_name = False
    st = path.lstat()
    mtime = datetime.fromtimestamp(st.st_mtime_ns / 1e9)
    is_link = stat.S_ISLNK(st.st_mode)
    regular = stat.S_ISREG(st.st_mode)
    if is_link:
        sha = hashlib.sha256(os.fsencode(os.readlink(path))).hexdigest()
    elif regular:
        sha = hashes.sha256(rel, path, st, sha256_file)
    else:
        sha = hashlib.sha256(b"").hexdigest()

    partner_folder = parts[0] if len(parts) >= 2 else None
    periode_folder = parts[1] if len(parts) >= 3 else None
    code = _canonical_partner(partner_folder, partners) if partner_folder else None
    periode = normalise_periode(periode_folder) if periode_folder else None
    rang = periode_rang(periode) if periode else None
    kind = detect_kind(path.name) if regular else None

    def make(refusal: str | None = None, rule: str | None = None) -> IncomingFile:
        return IncomingFile(
            rel=rel,
            path=path,
            code_partenaire=code or partner_folder,
            periode=periode or periode_folder,
            periode_rang=rang,
            kind=kind,
            size=st.st_size,
            mtime=mtime,
            date_reception=reception_date(st.st_mtime_ns),
            sha256=sha,
            refusal=refusal,
            refusal_rule=rule,
            readable=regular and not is_link,
            scanned_as=stat_key(st) if regular else None,
        )

    if not readable_name:
        return make(
            "Nom de fichier illisible (caractères accentués mal encodés) : renommez le fichier "
            "puis déposez-le à nouveau.",
            "nom_illisible",
        )
    if any(".." in part for part in parts):
        return make(
            "Nom de fichier ou de dossier contenant « .. » : refusé par sécurité.", "nom_interdit"
        )
    if is_link:
        return make(
            "Lien symbolique : seul un vrai fichier déposé est accepté (le lien n'est pas suivi).",
            "lien_symbolique",
        )
    if not path.resolve().is_relative_to(base):
        return make("Chemin hors du dossier de dépôt.", "chemin_hors_depot")
    if not regular:
        return make("Ce n'est pas un fichier ordinaire.", "fichier_special")
    if len(parts) != 3:
        return make(
            "Fichier mal placé : il doit être déposé dans "
            "incoming/<code partenaire>/<période>/<fichier>.",
            "emplacement_invalide",
        )
    if code is None:
        return make(f"Dossier partenaire inconnu : « {partner_folder} ».", "partenaire_inconnu")
    if periode is None:
        return make(
            f"Dossier de période inconnu : « {periode_folder} » (attendu AAAA, AAAA-S1 ou "
            "AAAA-S2).",
            "periode_inconnue",
        )
    first, last = contract_years
    if not first <= int(periode[:4]) <= last:
        return make(
            f"Période {periode} hors des années du contrat ({first} à {last}).",
            "periode_hors_contrat",
        )
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        return make(
            f"Format non pris en charge « {path.suffix or '(sans extension)'} » : "
            "envoyer un fichier .csv, .xlsx, .xls ou .ods.",
            "format_non_pris_en_charge",
        )
    if kind is None:
        return make(
            "Type de fichier inconnu d'après son nom : le nom doit commencer par "
            "« participants », « seances » (ou « presences ») ou « financements ».",
            "type_inconnu",
        )
    if st.st_size == 0:
        return make("Fichier vide (0 octet).", "fichier_vide")
    if st.st_size > max_bytes:
        return make(
            f"Fichier trop volumineux : {st.st_size / 1048576:.1f} Mo pour une limite de "
            f"{max_bytes / 1048576:.1f} Mo.",
            "fichier_trop_volumineux",
        )
    return make()
