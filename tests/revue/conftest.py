import sys
from pathlib import Path

# the dashboards' hand-made warehouse (tests/dashboards/dash_fixture.py) is reused here
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
