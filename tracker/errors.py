"""The one base of every refusal the system answers in Chinese.

A ``Refusal`` means: the request was not carried out and nothing was changed; its message is a sentence for the
user (which row, which column, which permission, which month is locked). Each module keeps its own subclass
(``auth.PermissionDenied``, ``ingest.IngestError``, ``actions.ActionError``…), so callers still catch what they
expect, and the command line's guard (``tracker.cli.guard``) prints any of them as one Chinese line with exit 1
instead of every command repeating the same ``try … except``.
"""

from __future__ import annotations


class Refusal(Exception):
    """A request refused with a Chinese message for users; nothing was changed."""
