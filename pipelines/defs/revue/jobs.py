"""Job `figer_revue`: freeze the mid-term review pack from the Dagster UI (Launchpad).

```yaml
ops:
  figer:
    config:
      libelle: "COPIL du 15 mars 2027"
```
"""

import dagster as dg
from pydantic import Field

from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.revue.pack import RevueRefusee
from pipelines.revue.pdf import PrintError
from pipelines.revue.service import freeze


class RevueConfig(dg.Config):
    libelle: str = Field(description="Libellé de la revue, par exemple « COPIL du 15 mars 2027 ».")


@dg.op(description="Fige la revue : document HTML et PDF, tables publiées, millésime, empreintes.")
def figer(
    context: dg.OpExecutionContext, config: RevueConfig, warehouse: Warehouse, data_root: DataRoot
) -> None:
    try:
        with warehouse.get_connection(context.log) as con:
            pack = freeze(con, data_root.root, config.libelle)
    except (RevueRefusee, PrintError) as exc:
        raise dg.Failure(description=str(exc)) from None
    context.log.info(f"Revue figée en {pack.seconds:.1f} s : {pack.path}")
    context.add_output_metadata(
        {
            "dossier": dg.MetadataValue.path(str(pack.path)),
            "document": dg.MetadataValue.path(str(pack.path / "revue.pdf")),
            "fichiers": pack.files,
        }
    )


@dg.job(description="Figer une revue à mi-parcours (jamais modifiée ensuite).")
def figer_revue():
    figer()
