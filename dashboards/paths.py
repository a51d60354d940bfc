"""File names of the scope pages: safe on every disk, distinct for distinct codes."""

from __future__ import annotations

import re
from hashlib import sha1

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}


def safe_name(code: str, force_hash: bool = False) -> str:
    """File name (without extension) for a scope code: the code itself when it is plain
    ASCII, else a slug plus a short hash so that two codes never share a file."""
    code = str(code)
    plain = _SAFE_NAME.fullmatch(code) and code.lower() not in _WINDOWS_RESERVED
    if plain and not force_hash:
        return code
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", code).strip("_-")[:60] or "x"
    return f"{slug}-{sha1(code.encode()).hexdigest()[:8]}"


def safe_names(codes: list[str]) -> dict[str, str]:
    """File names for codes of one folder. Codes equal but for case get hashed names:
    the site is opened from Windows and macOS disks, which ignore case."""
    lower: dict[str, int] = {}
    for c in codes:
        key = safe_name(c).lower()
        lower[key] = lower.get(key, 0) + 1
    return {c: safe_name(c, force_hash=lower[safe_name(c).lower()] > 1) for c in codes}
