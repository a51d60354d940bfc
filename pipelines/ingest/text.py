"""Text folding shared by header matching and value normalisation.

Partners type headers and codes by hand: case, accents, spaces, hyphens and
apostrophes vary. Everything is compared after folding.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Spaces a French spreadsheet produces: normal, no-break, narrow no-break, thin.
SPACES = " \t\u00a0\u202f\u2009\u2007"
_SPACE_RE = "[\\s\u00a0\u202f\u2009\u2007]"
_BRACKETS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Words people add to headers that carry no meaning for the match ("Date de l'entrée").
HEADER_STOPWORDS = frozenset(
    {"de", "d", "du", "des", "l", "le", "la", "les", "en", "eur", "euro", "euros"}
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_header(text: object) -> str:
    """'Date d'entrée (jj/mm/aaaa)' -> 'dateentree'."""
    if text is None:
        return ""
    lowered = strip_accents(str(text)).lower()
    lowered = _BRACKETS_RE.sub(" ", lowered)
    tokens = [t for t in _TOKEN_RE.findall(lowered) if t not in HEADER_STOPWORDS]
    return "".join(tokens)


def fold_code(text: str) -> str:
    """Python twin of fold_code_expr, for small lists (reference files, synonyms)."""
    lowered = strip_accents(text.strip(SPACES)).lower().replace("+", "_plus_")
    return re.sub(r"[^a-z0-9]+", "_", lowered).strip("_")


def strip_expr(expr: pl.Expr) -> pl.Expr:
    """Trim surrounding spaces (including no-break ones); empty becomes null."""
    trimmed = expr.str.strip_chars(SPACES)
    return pl.when(trimmed.str.len_bytes() > 0).then(trimmed)


def remove_spaces(series: pl.Series) -> pl.Series:
    """remove_spaces_expr on a whole column, without a copy when no cell has a space."""
    if not series.str.contains(_SPACE_RE).any():
        return series
    return series.to_frame().select(remove_spaces_expr(pl.col(series.name))).to_series()


def remove_spaces_expr(expr: pl.Expr) -> pl.Expr:
    """Remove every space, e.g. in codes and ids typed as 'QN 014 04M'; empty becomes null."""
    compact = expr.str.replace_all(_SPACE_RE, "")
    return pl.when(compact.str.len_bytes() > 0).then(compact)


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Lower case, no accents, no surrounding spaces."""
    return (
        expr.str.strip_chars(SPACES)
        .str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
    )


def fold_code_expr(expr: pl.Expr) -> pl.Expr:
    """'Emploi durable' -> 'emploi_durable', 'Bac +2' -> 'bac_plus_2', 'CAP/BEP' -> 'cap_bep'."""
    return (
        fold_expr(expr)
        .str.replace_all("+", "_plus_", literal=True)
        .str.replace_all(r"[^a-z0-9]+", "_")
        .str.strip_chars("_")
    )


def message(template: str, *args: pl.Expr) -> pl.Expr:
    """Like pl.format, built on concat_str: pl.format panics on multi-chunk string columns
    (polars 2.1, "assertion failed: i < self.len()"); concat_str does not."""
    pieces = template.split("{}")
    if len(pieces) != len(args) + 1:
        raise ValueError(f"{len(args)} arguments for {len(pieces) - 1} placeholders")
    parts: list[pl.Expr] = [pl.lit(pieces[0])]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts += [arg.cast(pl.Utf8), pl.lit(piece)]
    return pl.concat_str(parts)
