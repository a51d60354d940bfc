"""Numbers the contract or the settings fix are defined once, in pipelines/settings.py:
every layer that uses one holds that very object, not a copy typed again."""

from pipelines import settings
from pipelines.ingest import headers, parse, reference, rules, scan
from pipelines.publish import secret


def test_every_layer_uses_the_constants_of_settings():
    assert parse.MAX_BYTES == scan.DEFAULT_MAX_BYTES == settings.MAX_FILE_BYTES
    assert headers.HEADER_SEARCH_ROWS == settings.HEADER_SEARCH_ROWS
    assert rules.AGE_RANGE is settings.AGE_RANGE
    assert reference.DEFAULT_SEUIL_SECRET == settings.DEFAULT_SEUIL_SECRET
    assert reference.MAX_BYTES == settings.REFERENCE_MAX_BYTES


def test_the_public_wording_of_secrecy_states_the_default_threshold():
    seuil = settings.DEFAULT_SEUIL_SECRET
    assert f"seuil de {seuil} par défaut : effectifs de 1 à {seuil - 1}" in secret.RULES_FR
