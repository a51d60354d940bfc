"""Jobs, the sensor on incoming/ and the monthly refresh schedule."""

import hashlib
import os
from pathlib import Path

import dagster as dg

from pipelines import settings

pipeline_complet = dg.define_asset_job(
    "pipeline_complet",
    selection=dg.AssetSelection.all(),
    description="Tout recalculer : référentiel, fichiers reçus, indicateurs, publication.",
)


def incoming_fingerprint(root: Path) -> str:
    """Identity of what sits in incoming/: relative path, size and mtime of each file."""
    incoming = root / "incoming"
    entries = []
    if incoming.is_dir():
        for dirpath, _dirs, files in os.walk(incoming):
            for name in files:
                path = Path(dirpath) / name
                try:
                    stat = path.lstat()
                except OSError:
                    continue
                rel = path.relative_to(incoming).as_posix()
                entries.append(f"{rel}\t{stat.st_size}\t{stat.st_mtime_ns}")
    entries.sort()
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


@dg.sensor(
    job=pipeline_complet,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Lance le pipeline quand un fichier est déposé ou modifié dans incoming/.",
)
def nouveaux_fichiers(context: dg.SensorEvaluationContext):
    # A partner may still be copying a file: start only once incoming/ is unchanged over two
    # ticks. Cursor: "<fingerprint>|vu" (seen once) or "<fingerprint>|lance" (run requested).
    fingerprint = incoming_fingerprint(settings.data_root())
    seen, _, state = (context.cursor or "").partition("|")
    if fingerprint != seen:
        context.update_cursor(f"{fingerprint}|vu")
        return dg.SkipReason("Dépôt en cours dans incoming/ : lancement au prochain passage.")
    if state == "lance":
        return dg.SkipReason("Aucun nouveau fichier dans incoming/.")
    context.update_cursor(f"{fingerprint}|lance")
    # run_key = content identity: the same state of incoming/ never starts two runs.
    return dg.RunRequest(run_key=f"incoming-{fingerprint[:16]}")


actualisation_mensuelle = dg.ScheduleDefinition(
    name="actualisation_mensuelle",
    job=pipeline_complet,
    cron_schedule="0 6 1 * *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Actualisation le 1er de chaque mois à 6 h, avant les comités de pilotage.",
)
