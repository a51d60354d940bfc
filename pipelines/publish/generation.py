"""One run's publication appears as a whole: built in one folder, switched in at once.

Layout under <root>/publish/:

    .generations/<generation>/tableaux-de-bord/ …   one complete publication per folder
    .courant -> .generations/<generation>            the one in force (a symlink)
    tableaux-de-bord -> .courant/tableaux-de-bord    public paths, fixed symlinks
    telechargements  -> .courant/telechargements
    rapports         -> .courant/rapports
    revues/ …                                        written by other jobs: never touched
    .kit-avance/<inputs>/kit-partenaire/ …           a big partner kit prepared ahead
                                                     (kit_output.py), linked, then removed

Every builder writes its folder into a new generation; then `.courant` is replaced by one
atomic rename, so readers see the previous publication or the new one, never a mix, and
the site's links (`../rapports/…`) and the vintage it shows always match the tables beside
it. A run killed while building leaves `.courant` on the previous generation; its partial
generation is removed by the next publication, as is the previous generation once the
switch is done. Only `.courant`, `.generations/` and the builders' own names are ever
touched: a folder of another job beside them (e.g. `publish/revues/`) is left alone.

Copying a published folder elsewhere: follow the links (`cp -rL`, or the file manager's
copy, which does).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.fsutil import exchange

CURRENT = ".courant"
GENERATIONS = ".generations"


@dataclass(frozen=True)
class Builder:
    """One output of the publication: writes the folder `name` of the generation."""

    name: str  # public folder under publish/, e.g. "rapports"
    build: Callable[[Path, Path], dict]  # (its empty folder, the generation) -> metadata
    # work `build` left running (e.g. on another process): waited for once every output
    # was built, before the switch; returns more metadata
    finish: Callable[[], dict] | None = None


def current_generation(publish: Path) -> Path | None:
    link = publish / CURRENT
    if not link.is_symlink():
        return None
    return (publish / os.readlink(link)).resolve()


def publish_generation(publish: Path, builders: Sequence[Builder], label: str = "") -> dict:
    """Build every output into a new generation, then switch it in; returns the metadata
    of each builder by name. On error nothing changes for readers."""
    names = [b.name for b in builders]
    if len(set(names)) != len(names) or any(n.startswith(".") or "/" in n for n in names):
        raise ValueError(f"builder names must be distinct plain folder names: {names}")
    generations = publish / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    _remove_all_but_current(publish)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    generation = generations / f"{stamp}-{label[:8] or uuid.uuid4().hex[:8]}"
    generation.mkdir()
    metadata = {}
    try:
        for builder in builders:
            folder = generation / builder.name
            folder.mkdir()
            metadata[builder.name] = builder.build(folder, generation)
        for builder in builders:
            if builder.finish is not None:
                metadata[builder.name] = {**metadata[builder.name], **builder.finish()}
        os.chmod(generation, 0o755)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _switch(publish, generation, names)
    _remove_all_but_current(publish)
    return metadata


def _switch(publish: Path, generation: Path, names: Sequence[str]) -> None:
    """Point `.courant` at `generation` in one rename, then make sure every public name is
    the fixed link onto `.courant/<name>` (created once; a v1 folder is replaced)."""
    tmp = publish / GENERATIONS / f".courant-{uuid.uuid4().hex[:8]}"
    tmp.symlink_to(Path(GENERATIONS) / generation.name)
    os.replace(tmp, publish / CURRENT)  # the atomic switch
    for name in names:
        public = publish / name
        target = Path(CURRENT) / name
        if public.is_symlink() and Path(os.readlink(public)) == target:
            continue
        link = publish / GENERATIONS / f".{name}-{uuid.uuid4().hex[:8]}"
        link.symlink_to(target)  # relative: it means publish/.courant/<name> once moved
        if public.is_dir() and not public.is_symlink():
            # Folder published by v1: swap it with the link in one step where the kernel
            # allows it; the old folder then sits in .generations/ and is removed below.
            if not exchange(link, public):
                os.replace(public, link.with_name(link.name + "-old"))
                os.replace(link, public)
        else:
            os.replace(link, public)


def _remove_all_but_current(publish: Path) -> None:
    """Partial generations of killed runs, the previous generation, leftovers of a switch."""
    current = current_generation(publish)
    for entry in (publish / GENERATIONS).iterdir():
        if current is not None and entry.resolve() == current:
            continue
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
        else:
            shutil.rmtree(entry, ignore_errors=True)
