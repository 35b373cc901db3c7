"""Percentages: the per cent sign after a number."""

from __future__ import annotations

import re

PERCENT_RE = re.compile(r"[ \u00a0]?%")
