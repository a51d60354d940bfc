"""The archive copy written past the page cache (pipelines/ingest/archive_copy.py): the same
bytes whatever the size (the aligned part goes through O_DIRECT, the tail through an
ordinary write), and the same bytes where O_DIRECT is not available."""

from __future__ import annotations

import random

import pytest

from pipelines.ingest import archive_copy

SIZES = [0, 1, 4095, 4096, 4097, 3 * 4096 + 17, 1_000_003]


def _copied(tmp_path, size: int) -> tuple[bytes, bytes]:
    data = random.Random(size).randbytes(size)
    source, target = tmp_path / f"src-{size}.csv", tmp_path / f"dst-{size}.csv"
    source.write_bytes(data)
    target.touch()  # the caller creates it (a temp name in the archive)
    archive_copy.copy_durably(source, target)
    return data, target.read_bytes()


@pytest.mark.parametrize("size", SIZES)
def test_the_copy_holds_the_same_bytes(tmp_path, size):
    data, copy = _copied(tmp_path, size)
    assert len(copy) == size
    assert copy == data


def test_without_o_direct_the_copy_holds_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(archive_copy, "_DIRECT", 0)  # a platform without O_DIRECT (macOS)
    for size in (4096, 1_000_003):
        data, copy = _copied(tmp_path, size)
        assert copy == data


def test_a_refused_direct_write_falls_back_to_an_ordinary_copy(tmp_path, monkeypatch):
    """A device with bigger blocks than BLOCK refuses the direct writes (EINVAL): the bytes
    written so far are replaced by an ordinary copy."""
    monkeypatch.setattr(archive_copy, "BLOCK", 1000)  # not a multiple of 512: refused
    data, copy = _copied(tmp_path, 10_007)
    assert copy == data
