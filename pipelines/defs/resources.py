"""Resources shared by every asset: the data root and the DuckDB warehouse."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import settings, warehouse


class Warehouse(DuckDBResource):
    """dagster-duckdb's resource, serialised across processes and closed on error."""

    lock_timeout_s: float = 3600.0

    @contextmanager
    def get_connection(self, log=None) -> Iterator:  # type: ignore[override]
        def on_wait():
            if log is not None:
                log.info("Entrepôt occupé par une autre exécution : attente de sa fin…")

        with warehouse.connect(Path(self.database), self.lock_timeout_s, on_wait) as con:
            yield con


class DataRoot(dg.ConfigurableResource):
    """EVAL_DATA_DIR: reference/, incoming/, archive/, warehouse/, publish/."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)

    def publish_dir(self, name: str) -> Path:
        return settings.publish_dirs(self.root)[name]


def default_resources() -> dict:
    root = settings.data_root()
    return {
        "data_root": DataRoot(path=str(root)),
        "warehouse": Warehouse(database=str(settings.warehouse_path(root))),
    }
