"""Rendered template fragments kept per process, for the parts of a page that are the same every
time for the same key (the question page's answer fields, its scenario, its buttons).

A template wraps the fragment in a call block and names everything its HTML depends on:

    {% call cached_fragment('answer-fields', view, legend, error) %}
      ... rendered once per key, then reused ...
    {% endcall %}

The key must name *everything* the block's HTML depends on (a missing part would show one
candidate's page to another), so keys are made of the values the block shows, not of ids: the
question page keys its answer fields on the whole `results.QuestionView` (stem, options in their
frozen order, the answer shown), so an edited item, another option order or another answer is
another entry. Lists, dicts and dataclasses in a key are frozen into tuples (a frozen dataclass is
used as it is). The cache is bounded (least recently used entries go first) and belongs to one
app, kept in `app.extensions`. Rendering the GOV.UK macros was most of the question page's CPU
time; a fragment from the cache costs building and hashing its key and a dict lookup.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

# A question page's answer fields are 2-6 KB of HTML: 2,000 entries are some 10 MB a worker.
MAX_ENTRIES = 2_000


class FragmentCache:
    """A bounded LRU of rendered HTML by key, safe for threaded workers."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return html
        html = Markup(render())  # outside the lock: two threads may both render a new key, harmlessly
        with self._lock:
            self.misses += 1
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def freeze(part: Any) -> Hashable:
    """A key part as a hashable value: lists and tuples item by item, dicts as sorted items,
    dataclasses as their type and fields."""
    if dataclasses.is_dataclass(part) and not isinstance(part, type):
        if part.__dataclass_params__.frozen:  # type: ignore[union-attr]
            return part  # type: ignore[return-value]  # hashable as it is
        # field by field (dataclasses.asdict deep-copies, at several times the cost)
        return (type(part).__qualname__, *(freeze(getattr(part, f.name)) for f in dataclasses.fields(part)))
    if isinstance(part, list | tuple):
        return tuple(freeze(p) for p in part)
    if isinstance(part, dict):
        return tuple(sorted((k, freeze(v)) for k, v in part.items()))
    return part  # type: ignore[no-any-return]


def cache_of(app: Flask) -> FragmentCache:
    return app.extensions["quizapp_fragments"]  # type: ignore[no-any-return]


def cached_fragment(name: str, *key: Any, caller: Callable[[], str]) -> Markup:
    """The Jinja global behind `{% call cached_fragment(name, *key) %}`: the block's HTML for this
    key, rendered by `caller` the first time only."""
    return cache_of(current_app).get_or_render((name, *(freeze(part) for part in key)), caller)


def init_app(app: Flask) -> None:
    app.extensions["quizapp_fragments"] = FragmentCache()
    app.add_template_global(cached_fragment)
