"""Why a whole file is refused."""

from __future__ import annotations


class FileRefused(Exception):
    """The file cannot be used at all; `message` is shown to the partner (French)."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message
