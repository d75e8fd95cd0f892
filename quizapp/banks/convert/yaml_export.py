"""A bank as a bank file (the format of docs/bank-format.md), ready to commit: what a trainer
downloads from the browser. Pure: it writes `quizapp.banks.model` objects, whoever read them.

Keys come in the order the shipped banks use, texts of more than one line as `|` blocks, and
only what differs from the format's defaults is written (no `correct: false`, no empty feedback,
no `scoring: all-or-nothing`). Reading the file back with the validator gives the same items
(`tests/banks/convert/test_yaml_export.py`).
"""

from __future__ import annotations

from typing import Any

import yaml

from quizapp.banks import model as bm
from quizapp.banks.bank_format import written_number

SCHEMA_LINE = "# yaml-language-server: $schema=../../docs/bank-format.schema.json\n"


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with texts of several lines as literal blocks."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")  # (PyYAML picks | or |-)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _text)


def _option(option: bm.Option) -> dict[str, Any]:
    out: dict[str, Any] = {"text": option.text}
    if option.correct:
        out["correct"] = True
    if option.feedback:
        out["feedback"] = option.feedback
    return out


def _item(item: bm.Item) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.key, "type": item.type, "section": item.section,
                           "statements": list(item.statements)}
    if item.also_keyed:
        out["also_keyed"] = {key: list(codes) for key, codes in item.also_keyed.items()}
    if item.difficulty is not None:
        out["difficulty"] = item.difficulty
    if item.scoring != "all-or-nothing":
        out["scoring"] = item.scoring
    out["stem"] = item.stem
    out["options"] = [_option(o) for o in item.options]
    out["rationale"] = item.rationale
    if item.references:
        out["references"] = list(item.references)
    return out


def bank_yaml(bank: bm.Bank, heading: list[str] | None = None) -> str:
    """The bank file: `heading` lines first as comments (where it came from, what was left out)."""
    data: dict[str, Any] = {"bank": bank.key, "framework": bank.framework, "title": bank.title}
    if bank.description:
        data["description"] = bank.description
    if bank.items:
        data["items"] = [_item(i) for i in bank.items]
    if bank.scenarios:
        data["scenarios"] = [{"id": s.key, "title": s.title, "text": s.text, "items": [_item(i) for i in s.items]}
                             for s in bank.scenarios]
    comments = "".join(f"# {line}\n" for line in heading or [])
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return SCHEMA_LINE + comments + body


def _section(section: bm.Section, test_framework: str) -> dict[str, Any]:
    out: dict[str, Any] = {"section": section.section}
    if section.title:
        out["title"] = section.title
    if section.framework != test_framework:
        out["framework"] = section.framework
    if section.draw.kind == "items":
        out["draw"] = {"items": list(section.draw.items)}
    else:
        out["draw"] = {section.draw.kind: section.draw.count}  # count, per_statement or scenarios: the file's key
    return out


def blueprint_yaml(test: bm.TestBlueprint, heading: list[str] | None = None) -> str:
    """The test blueprint file: `heading` lines first as comments. Only what differs from the
    format's defaults is written (no `shuffle_options: true`, no default bands)."""
    data: dict[str, Any] = {"test": test.key, "title": test.title, "framework": test.framework}
    if test.description:
        data["description"] = test.description
    data["time_limit_minutes"] = written_number(test.time_limit_minutes)
    data["pass_mark_percent"] = written_number(test.pass_mark_percent)
    data["sections"] = [_section(s, test.framework) for s in test.sections]
    if not test.shuffle_options:
        data["shuffle_options"] = False
    if tuple((b.min_percent, b.label) for b in test.bands) != bm.DEFAULT_BANDS:
        data["bands"] = [{"min_percent": written_number(b.min_percent), "label": b.label} for b in test.bands]
    comments = "".join(f"# {line}\n" for line in heading or [])
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return SCHEMA_LINE + comments + body
