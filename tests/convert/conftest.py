from __future__ import annotations

from pathlib import Path

MOODLE = Path(__file__).resolve().parent.parent / "fixtures" / "moodle"
FRAMEWORK = Path(__file__).resolve().parent.parent / "fixtures" / "banks" / "framework.yaml"
