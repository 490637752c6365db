"""Label matching shared by routing rules and silences (Alertmanager's matcher semantics:
a missing label is the empty string; regexes are anchored)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from fixfirst.alerting.models import MatchOp


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(f"^(?:{pattern})$")


def matches(matchers: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> bool:
    """True when every matcher holds (an empty list matches everything)."""
    for matcher in matchers:
        actual = labels.get(matcher["label"], "")
        expected = matcher["value"]
        op = matcher.get("op", MatchOp.EQUALS)
        if op == MatchOp.EQUALS:
            ok = actual == expected
        elif op == MatchOp.NOT_EQUALS:
            ok = actual != expected
        elif op == MatchOp.REGEX:
            ok = _regex(expected).match(actual) is not None
        else:
            ok = _regex(expected).match(actual) is None
        if not ok:
            return False
    return True
