from __future__ import annotations

from pathlib import Path

MOODLE = Path(__file__).resolve().parents[2] / "fixtures" / "moodle"
FRAMEWORK = Path(__file__).resolve().parents[2] / "fixtures" / "banks" / "framework.yaml"
