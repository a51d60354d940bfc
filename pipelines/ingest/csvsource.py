"""CSV specifics: encoding, line endings, separator sniffing, fast polars read.

Encodings: strict UTF-8 (with or without BOM), else Windows-1252, recorded.
Files that need it are transcoded to UTF-8 with '\\n' line endings in a
temporary file first: polars (and DuckDB) read UTF-8 only, and a lone '\\r'
breaks round-trips.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import mmap
import re
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import polars as pl

from pipelines.ingest.errors import FileRefused
from pipelines.ingest.headers import HEADER_SEARCH_ROWS, ColumnSpec, HeaderMatch, find_header

log = logging.getLogger(__name__)

HEAD_BYTES = 256 * 1024
SEPARATORS = (";", ",", "\t")
# Every byte but the control characters that no text holds (tab, CR and LF are text): a head
# left with any byte after deleting these is binary. In UTF-8 and Windows-1252 alike these
# characters are those single bytes, never part of another character. (A regex over the
# decoded text took 1.6 ms per 256 KB head, this 0.25 ms.)
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r")
_LONE_CR = re.compile(rb"\r(?!\n)")
_CHUNK_CHARS = 8 * 1024 * 1024


def guess_encoding(head: bytes, complete: bool) -> str:
    """'utf-8-sig' (BOM), 'utf-8' or 'cp1252', judged on the first bytes."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "format_inconnu",
            "Le fichier porte l'extension .csv mais contient un classeur (Excel/ODS) : "
            "enregistrez-le au format .xlsx ou exportez-le en CSV.",
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Texte Unicode" export
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused("illisible", _unreadable("encodage de caractères inconnu")) from None
        encoding = "cp1252"
    if head.translate(None, _NOT_CONTROL):
        raise FileRefused("illisible", _unreadable("contenu binaire, ce n'est pas un texte CSV"))
    return encoding


def _unreadable(reason: str) -> str:
    return f"Le fichier CSV est illisible ({reason}). Enregistrez-le en CSV UTF-8 ou Windows-1252."


def has_lone_cr(path: Path) -> bool:
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(b"\r") >= 0 and _LONE_CR.search(mm) is not None


def transcode(source: Path, encoding: str, target: Path) -> Path:
    """Rewrite as UTF-8 with '\\n' line endings, in chunks (files can be large)."""
    codec = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    try:
        with (
            source.open(encoding=codec, newline="") as reader,
            target.open("w", encoding="utf-8", newline="") as writer,
        ):
            pending = ""
            while chunk := reader.read(_CHUNK_CHARS):
                chunk = pending + chunk
                pending = "\r" if chunk.endswith("\r") else ""  # may be half of '\r\n'
                if pending:
                    chunk = chunk[:-1]
                writer.write(chunk.replace("\r\n", "\n").replace("\r", "\n"))
            writer.write(pending.replace("\r", "\n"))
    except UnicodeDecodeError:
        raise FileRefused("illisible", _unreadable("encodage de caractères inconnu")) from None
    return target


def head_text(source: Path) -> str:
    """The first complete lines of a UTF-8 file, enough to find the header."""
    with source.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        complete = not handle.read(1)
    text = head.decode("utf-8-sig", errors="replace")
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop a cut last line
    return text


def sniff(text: str, specs: Sequence[ColumnSpec]) -> tuple[str, HeaderMatch]:
    """Separator and header row: the first separator whose records hold a full header."""
    best: tuple[str, HeaderMatch] | None = None
    for separator in SEPARATORS:
        try:
            records = list(_first_records(text, separator))
        except csv.Error:
            continue
        match = find_header(records, specs)
        if match.index is not None:
            return separator, match
        if match.matched_any and (best is None or len(match.missing) < len(best[1].missing)):
            best = (separator, match)
    if best is not None:
        return best
    return SEPARATORS[0], HeaderMatch(None, {}, {})


def _first_records(text: str, separator: str):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    for count, record in enumerate(reader):
        if count >= HEADER_SEARCH_ROWS:
            break
        yield record


def read_rows(source: Path, separator: str, header_index: int, width: int) -> pl.DataFrame:
    """All records from the header on, as text columns c0..c{width-1} (header row included)."""
    frame = pl.read_csv(
        source,
        separator=separator,
        has_header=False,
        infer_schema=False,
        skip_rows=header_index,
        columns=list(range(width)),
        truncate_ragged_lines=True,
        encoding="utf8",
        raise_if_empty=False,
    )
    return frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})


def read_csv_rows(
    path: Path, specs: Sequence[ColumnSpec], size: int
) -> tuple[pl.DataFrame, HeaderMatch, str]:
    """(records from the header row on, header, encoding) of a CSV file."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    encoding = guess_encoding(head, complete=len(head) >= size)
    # a temporary folder only for a file that is transcoded (0.5 ms a file otherwise)
    with ExitStack() as temporary:
        for attempt in (encoding, "cp1252"):
            source = path
            if attempt not in ("utf-8", "utf-8-sig") or has_lone_cr(path):
                tmp = temporary.enter_context(tempfile.TemporaryDirectory(prefix="ingest_"))
                source = transcode(path, attempt, Path(tmp) / "utf8.csv")
            separator, header = sniff(head_text(source), specs)
            if header.index is None:
                return pl.DataFrame(), header, attempt
            width = max(header.columns.values()) + 1
            try:
                return read_rows(source, separator, header.index, width), header, attempt
            except pl.exceptions.PolarsError as exc:
                if "utf-8" not in str(exc) or attempt == "cp1252":
                    log.warning("CSV unreadable by polars: %s: %s", path, exc)
                    raise FileRefused(
                        "illisible",
                        _unreadable("structure CSV invalide : guillemets non refermés ?"),
                    ) from None
                # valid UTF-8 at the start only: the rest is Windows-1252
    raise AssertionError("unreachable")
