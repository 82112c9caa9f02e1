"""k2brief: checked CSV tables in, evidence briefings out."""

from __future__ import annotations

__version__ = "0.1.0"
