"""The bank format, declared once: for each part of a bank file (framework, standard,
statement, bank, item, option, test, section, draw, band, crosswalk, link...), every key it
may have, with its type, whether it is required, its allowed values or range, and the help
text that editors show.

Both descriptions of the format come from these tables:

- the validator (quizapp/banks/validate/) reads a part's allowed keys, required keys, types,
  choices and ranges from its :class:`Shape` (``FieldReader.read_shape``), and keeps its own
  wording for every message;
- quizapp/banks/schema.py writes the JSON Schema that editors use,
  docs/bank-format.schema.json (``make schema``; a test checks the committed file is
  what the tables give).

Rules that relate keys or files to each other (ids unique across files, a bank's items, the
question types' rules for options, bands in order) are code in the validator; the schema
states the ones it can (schema.py says which). How a number is written in a file
(``written_number``: 30, not 30.0) is here too, for the schema and the YAML export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from quizapp.banks.model import SCORING_RULES, SECTIONS
from quizapp.domain import question_types

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
"""Framework, bank, scenario, item and test ids."""
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
"""Statement codes."""
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A framework's level: lower-case words joined by hyphens, e.g. practice-supervisor."""
DATE_RE = re.compile(
    r"[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-9]))")
"""A calendar date written YYYY-MM-DD (the validator also rejects 29 February of a common year)."""

MAX_TIME_LIMIT_MINUTES = 600
QUESTION_TYPES = tuple(question_types.names())
MIN_OPTIONS = min(question_types.get(name).min_options for name in QUESTION_TYPES)
MAX_OPTIONS = question_types.MAX_OPTIONS

TYPES = {
    "id": "an id (ID_RE); a bare number is taken as the text written",
    "code": "a statement code (CODE_RE)",
    "markdown": "Markdown text without raw HTML; a bare number or true/false is the text written; "
                "an optional key left empty counts as not given",
    "plain": "non-empty text (list entries only)",
    "slug": "non-empty text matching SLUG_RE",
    "url": "an http:// or https:// address",
    "date": "a calendar date written YYYY-MM-DD (DATE_RE), e.g. 2027-04-01",
    "choice": "one of ``choices``",
    "integer": "a whole number from ``low`` to ``high`` (no upper bound when None)",
    "number": "a finite number from ``low`` (above it when ``low_open``) to ``high``",
    "boolean": "true or false; ``default`` when absent",
    "list": "a list whose entries are ``of`` (a type above, or a Shape's name); an optional list "
            "with no ``min_items`` may be left empty",
    "mapping": "a mapping: the Shape named ``of``",
    "keying": "a mapping from framework ids (ID_RE) to lists of their statement codes (CODE_RE): "
              "at least one framework, each list at least one code, none twice",
}
"""The types a key may have, and what each accepts."""


def written_number(value: float) -> int | float:
    """A number as a bank file writes it: a whole number without a decimal point (30.0 as 30),
    any other number as it is (62.5). The JSON Schema's ranges and the YAML export use it."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Key:
    """One key of a part of a bank file."""

    name: str
    type: str  # one of TYPES
    doc: str  # the help text editors show; starts "Required" exactly when required
    required: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    default: Any = None
    of: str | None = None  # list entries and mappings
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False  # list entries: none twice

    def __post_init__(self) -> None:
        assert self.type in TYPES, self.type


@dataclass(frozen=True)
class Shape:
    """A part of a bank file: a mapping with these keys and no others."""

    name: str  # how messages name it: "unknown key 'x' in item"
    schema_name: str  # its name under the JSON Schema's $defs
    doc: str
    keys: tuple[Key, ...]
    title: str = ""  # the three kinds of file only

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(key.name for key in self.keys)

    @cached_property
    def _by_name(self) -> dict[str, Key]:
        return {key.name: key for key in self.keys}

    def __getitem__(self, name: str) -> Key:
        return self._by_name[name]


FRAMEWORK = Shape(
    "framework", "frameworkFile", title="Framework file",
    doc=(
        "A framework file: a set of statements (for example the KSS for child and family "
        "practitioners) that banks and tests are keyed to, either as one list (`statements`) or "
        "grouped under standards (`standards`)."),
    keys=(
        Key("framework", "id", required=True, doc=(
            "Required. This framework's id, unique across all frameworks, e.g. kss-practitioner. "
            "Banks and tests name it in their `framework` key.")),
        Key("title", "markdown", required=True, doc=(
            "Required. The framework's full published title.")),
        Key("level", "slug", required=True, doc=(
            "Required. A slug for the level of practice, lower case words joined by hyphens, e.g. "
            "practitioner, practice-supervisor, practice-leader. Any slug is allowed.")),
        Key("description", "markdown", doc=(
            "Optional. Markdown shown with the framework: where it comes from and who it is for.")),
        Key("effective_from", "date", doc=(
            "Optional. The date (YYYY-MM-DD) from which employers use this framework, e.g. "
            "2027-04-01. With `superseded_on` it lets the service say which framework is current.")),
        Key("superseded_on", "date", doc=(
            "Optional. The date (YYYY-MM-DD) from which another framework takes this one's place; "
            "it must be after `effective_from` when both are given.")),
        Key("replaces", "id", doc=(
            "Optional. The id of the framework this one takes the place of (it must exist, and "
            "must not be this framework itself).")),
        Key("source_note", "markdown", doc=(
            "Optional. Markdown saying how far the titles, numbering and order here could be "
            "checked against the published document, and what could not.")),
        Key("statements", "list", of="statement", min_items=1, doc=(
            "Give exactly one of `statements` or `standards`. The framework's statements, in their "
            "published order. Codes must be unique (checked by quizapp validate).")),
        Key("standards", "list", of="standard", min_items=1, doc=(
            "Give exactly one of `statements` or `standards`. The framework's standards in their "
            "published order, each with its own statements (called outcomes in some frameworks). "
            "Standard codes must be unique, and statement codes unique across all standards and "
            "different from every standard code (checked by quizapp validate).")),
    ),
)

STANDARD = Shape(
    "standard", "standard",
    doc=(
        "One standard of the framework: a heading that groups statements. Items are keyed to "
        "its statements; results are reported per statement and rolled up per standard."),
    keys=(
        Key("code", "code", required=True, doc=(
            "Required. The standard's code, e.g. ECS1; unique within the framework and different "
            "from every statement code.")),
        Key("title", "markdown", required=True, doc="Required. The standard's published title."),
        Key("summary", "markdown", doc=(
            "Optional. In your own words: what the standard is about. Shown with results.")),
        Key("unconfirmed", "markdown", doc=(
            "Optional. What about this standard's title, number or order could not be checked "
            "against the published document; shown beside it.")),
        Key("statements", "list", required=True, of="statement", min_items=1, doc=(
            "Required, at least one. This standard's statements (outcomes), in their published "
            "order.")),
    ),
)

STATEMENT = Shape(
    "statement", "statement",
    doc=(
        "One statement of the framework: the unit that items are keyed to and results are "
        "reported by."),
    keys=(
        Key("code", "code", required=True, doc=(
            "Required. The statement's code, e.g. P1; unique within the framework. Items list it "
            "in `statements`.")),
        Key("title", "markdown", required=True, doc="Required. The statement's published title."),
        Key("summary", "markdown", required=True, doc=(
            "Required. In your own words: what a person at this level must know and do. Shown "
            "with results.")),
        Key("unconfirmed", "markdown", doc=(
            "Optional. What about this statement's title, wording, number or order could not be "
            "checked against the published document; shown beside it.")),
        Key("resources", "list", of="resource", doc=(
            "Optional. Further reading shown to a candidate who scores low on this statement.")),
    ),
)

RESOURCE = Shape(
    "resource", "resource",
    doc="A further-reading resource: a title and a public web address.",
    keys=(
        Key("title", "markdown", required=True, doc=(
            "Required. The resource's name as a reader would search for it, e.g. 'Children Act "
            "1989'.")),
        Key("url", "url", required=True, doc=(
            "Required. The web address; must start with http:// or https://.")),
    ),
)

BANK = Shape(
    "bank", "bankFile", title="Bank file",
    doc=(
        "A question bank: standalone items and/or scenarios, all keyed to one framework. It must "
        "hold at least one item."),
    keys=(
        Key("bank", "id", required=True, doc=(
            "Required. This bank's id, unique across all banks, e.g. practitioner-core.")),
        Key("framework", "id", required=True, doc=(
            "Required. The id of the framework whose statements this bank's items are keyed to "
            "(it must exist).")),
        Key("title", "markdown", required=True, doc=(
            "Required. The bank's title, shown to trainers.")),
        Key("description", "markdown", doc="Optional. What the bank covers and who wrote it."),
        Key("items", "list", of="item", doc="Optional. Standalone items (not part of a scenario)."),
        Key("scenarios", "list", of="scenario", doc=(
            "Optional. Case vignettes, each with its own items.")),
    ),
)

SCENARIO = Shape(
    "scenario", "scenario",
    doc="A case vignette with the items that hang on it. A test draws a scenario whole.",
    keys=(
        Key("id", "id", required=True, doc=(
            "Required. The scenario's permanent id, unique across all scenarios in all banks.")),
        Key("title", "markdown", required=True, doc=(
            "Required. A short title shown above the vignette.")),
        Key("text", "markdown", required=True, doc=(
            "Required. The vignette itself, in Markdown; candidates see it beside every item of "
            "the scenario.")),
        Key("items", "list", required=True, of="item", min_items=1, doc=(
            "Required, at least one. The items about this vignette, in the order candidates see "
            "them.")),
    ),
)

ITEM = Shape(
    "item", "item",
    doc="One question.",
    keys=(
        Key("id", "id", required=True, doc=(
            "Required. The item's permanent id, unique across all banks (scenario items "
            "included). Keep it when you edit the item; a new id means a new question.")),
        Key("type", "choice", required=True, choices=QUESTION_TYPES, doc=(
            "Required. single: choose exactly one correct option (2-10 options). multiple: choose "
            "every correct option (3-10 options, 2 or more correct, at least 1 incorrect). "
            "ordering: put the options in order (3-10 options, listed in the correct order, no "
            "`correct`).")),
        Key("section", "choice", required=True, choices=SECTIONS, doc=(
            "Required. knowledge: a general-knowledge question. reasoning: an applied question, "
            "usually in a scenario. Tests draw items by section.")),
        Key("statements", "list", required=True, of="code", min_items=1, unique=True, doc=(
            "Required, at least one, no duplicates. Codes of the statements (of the bank's "
            "framework) this item gives evidence on. Results are reported per statement.")),
        Key("also_keyed", "keying", doc=(
            "Optional. Statements of OTHER frameworks this item also gives evidence on, so that "
            "results can be read against either framework: a mapping from a framework id to a "
            "list of that framework's statement codes, e.g. `early-career-standards: [ECS3.1, "
            "ECS3.4]`. Each framework must exist and not be the bank's own; each list at least "
            "one code, no duplicates. A crosswalk may propose codes; a person decides them item "
            "by item (docs/crosswalk.md).")),
        Key("difficulty", "integer", low=1, high=3, doc=(
            "Optional. 1 (easier), 2 or 3 (harder): the writer's estimate, compared later with "
            "how candidates actually did.")),
        Key("stem", "markdown", required=True, doc="Required. The question."),
        Key("options", "list", required=True, of="option", min_items=MIN_OPTIONS,
            max_items=MAX_OPTIONS, doc=(
            "Required. The answer options (see `type` for how many and how they are marked). "
            "Option texts must be unique within the item (checked by quizapp validate).")),
        Key("scoring", "choice", choices=SCORING_RULES, default="all-or-nothing", doc=(
            "Optional, default all-or-nothing (full mark only for a fully right answer). partial "
            "(multiple and ordering only): multiple = (right choices - wrong choices) / number of "
            "correct options, never below 0; ordering = 1 - discordant pairs / all pairs.")),
        Key("rationale", "markdown", required=True, doc=(
            "Required. The reasoning behind the right answer, shown after the test.")),
        Key("references", "list", of="plain", doc=(
            "Optional (but expected). Checkable sources, e.g. 'Children Act 1989, s.47' or "
            "'Working Together to Safeguard Children 2023, chapter 3'.")),
    ),
)

OPTION = Shape(
    "option", "option",
    doc=(
        "One answer option. For an ordering item, options are listed in the correct order and "
        "`correct` is not used."),
    keys=(
        Key("text", "markdown", required=True, doc=(
            "Required. The option as the candidate sees it; unique within the item.")),
        Key("correct", "boolean", default=False, doc=(
            "Optional, default false. true marks a correct option (single and multiple items "
            "only; an error on ordering items).")),
        Key("feedback", "markdown", doc=(
            "Optional (but expected): why this option is right or wrong, shown after the test.")),
    ),
)

TEST = Shape(
    "test", "testFile", title="Test blueprint file",
    doc="A test blueprint: the recipe from which each attempt is drawn.",
    keys=(
        Key("test", "id", required=True, doc="Required. This test's id, unique across all tests."),
        Key("title", "markdown", required=True, doc=(
            "Required. The test's title, shown to candidates.")),
        Key("framework", "id", required=True, doc=(
            "Required. The framework whose banks the sections draw from (a section may name "
            "another).")),
        Key("description", "markdown", doc=(
            "Optional. Markdown for the start page: what the test covers and how it runs.")),
        Key("time_limit_minutes", "number", required=True, low=0, low_open=True,
            high=MAX_TIME_LIMIT_MINUTES, doc=(
            "Required. The time limit in minutes: more than 0, at most 600; fractions allowed "
            "(0.25 = 15 seconds).")),
        Key("pass_mark_percent", "number", required=True, low=0, high=100, doc=(
            "Required. The pass mark as a percentage of the total score, 0 to 100.")),
        Key("sections", "list", required=True, of="section", min_items=1, doc=(
            "Required, at least one. The test's sections in the order candidates meet them.")),
        Key("shuffle_options", "boolean", default=True, doc=(
            "Optional, default true: show single and multiple options in a random order for each "
            "attempt. Ordering items are always shuffled.")),
        Key("bands", "list", of="band", min_items=1, doc=(
            "Optional. Result bands from highest to lowest; min_percent strictly decreasing, the "
            "last 0, labels unique. Default: 75 Secure, 50 Developing, 0 Priority for "
            "development.")),
    ),
)

SECTION = Shape(
    "section", "section",
    doc="One section of the test. Each section (knowledge, reasoning) may appear only once.",
    keys=(
        Key("section", "choice", required=True, choices=SECTIONS, doc=(
            "Required. Which items this section draws: knowledge or reasoning. Not repeated "
            "within a test.")),
        Key("title", "markdown", doc=(
            "Optional. The section's display title, e.g. 'Part 2: case study'.")),
        Key("framework", "id", doc=(
            "Optional. Draw this section from another framework's banks instead of the test's "
            "framework.")),
        Key("draw", "mapping", required=True, of="draw", doc=(
            "Required. How this section picks its items: a mapping with exactly one of count, "
            "per_statement, scenarios or items.")),
    ),
)

DRAW = Shape(
    "draw", "draw",
    doc="How the section picks its items: exactly one of count, per_statement, scenarios or items.",
    keys=(
        Key("count", "integer", low=1, doc=(
            "This many standalone items of this section, spread across the statements. There must "
            "be at least this many to draw from.")),
        Key("per_statement", "integer", low=1, doc=(
            "This many standalone items of this section for EVERY statement of the framework. "
            "Each statement must have enough items keyed to it.")),
        Key("scenarios", "integer", low=1, doc=(
            "This many whole scenarios whose items are all of this section.")),
        Key("items", "list", of="id", min_items=1, unique=True, doc=(
            "Exactly these items, by id, in this order. Each must exist, belong to the section's "
            "framework and be of this section; no duplicates.")),
    ),
)

BAND = Shape(
    "band", "band",
    doc=(
        "A result band: a score at or above min_percent (and below the band above) gets this "
        "label."),
    keys=(
        Key("min_percent", "number", required=True, low=0, high=100, doc=(
            "Required. The lowest percentage in this band, 0 to 100. Bands go from highest to "
            "lowest; the last must be 0.")),
        Key("label", "markdown", required=True, doc=(
            "Required. The band's label, e.g. Secure; labels must be unique.")),
    ),
)

CROSSWALK = Shape(
    "crosswalk", "crosswalkFile", title="Crosswalk file",
    doc=(
        "A crosswalk: links between the statements of one framework and those of another (for "
        "example the practitioner KSS and the early career standards), each with its reason. "
        "Many to many: a statement may link to several, and several to one."),
    keys=(
        Key("crosswalk", "id", required=True, doc=(
            "Required. This crosswalk's id, unique across all crosswalks, e.g. "
            "kss-practitioner-to-ecs.")),
        Key("title", "markdown", required=True, doc="Required. The crosswalk's title."),
        Key("from", "id", required=True, doc=(
            "Required. The id of the framework whose statement codes each link's `from` names.")),
        Key("to", "id", required=True, doc=(
            "Required. The id of the framework whose statement codes each link's `to` names; "
            "not the same as `from`.")),
        Key("description", "markdown", doc=(
            "Optional. What the crosswalk is for and how its links were decided.")),
        Key("links", "list", required=True, of="link", min_items=1, doc=(
            "Required, at least one. The links, one statement pair each. An unknown code is an "
            "error; the same pair twice is a warning (checked by quizapp validate).")),
    ),
)

LINK = Shape(
    "link", "link",
    doc="One link of a crosswalk: a statement of the `from` framework, one of the `to` framework, and why.",
    keys=(
        Key("from", "code", required=True, doc=(
            "Required. A statement code of the crosswalk's `from` framework, e.g. P1.")),
        Key("to", "code", required=True, doc=(
            "Required. A statement code of the crosswalk's `to` framework, e.g. ECS2.1 (an "
            "outcome, not a standard).")),
        Key("reason", "markdown", required=True, doc=(
            "Required. In a sentence or two, in your own words: what the two statements share.")),
    ),
)


FILES = (FRAMEWORK, BANK, TEST, CROSSWALK)
"""The four kinds of file; a file has exactly one of their id keys at the top level."""
SHAPES = (FRAMEWORK, STANDARD, STATEMENT, RESOURCE, BANK, SCENARIO, ITEM, OPTION, TEST, SECTION, DRAW,
          BAND, CROSSWALK, LINK)
BY_NAME = {shape.name: shape for shape in SHAPES}
