"""What every command prints: strict JSON, Chinese refusals on stderr, numbers in one style."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker.auth import User, load_user
from tracker.errors import Refusal


def _plain(obj: Any) -> Any:
    """JSON-safe: dataclasses as dicts, NaN/inf as null (never ``NaN``/``Infinity``), dates as text."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _plain(obj.to_json() if hasattr(obj, "to_json") else dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    if hasattr(obj, "item"):  # numpy scalars
        return _plain(obj.item())
    if isinstance(obj, (datetime, date)):
        return obj.isoformat(sep=" ", timespec="minutes") if isinstance(obj, datetime) else obj.isoformat()
    text = str(obj)
    return None if text in ("NaT", "nan", "None", "<NA>") else text


def print_json(obj: Any) -> None:
    """Strict JSON (``json.loads`` with a ``parse_constant`` that raises accepts it)."""
    print(json.dumps(_plain(obj), ensure_ascii=False, indent=2, allow_nan=False))


class Refused(Refusal):
    """A command's refusal in Chinese (a missing file, an unknown user); ``tracker.cli.guard`` prints it, exit 1."""


def existing_file(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise Refused(f"找不到文件：{path}")
    return path


def known_user(name: str) -> User:
    """The enabled user whose permissions a command uses (``--user``)."""
    user = load_user(name)
    if user is None:
        raise Refused(f"用户“{name}”不存在或已停用。")
    return user


def err(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code
