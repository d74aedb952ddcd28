"""Which existing indicator or project a draft item restates, so accepting it updates that target instead of
creating a twin; every other item gets a fresh code a reviewer may rename.

Matching is by name (character pairs shared), helped by the sentence when it is the same one: next year's report
words the same indicator with a new number ("新增规模以上工业企业40家以上"), so the sentence alone cannot decide.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace

from tracker import config
from tracker.extract.records import DraftItem, ItemKind
from tracker.extract.text import words

MATCH_THRESHOLD = 0.45
SENTENCE_BONUS = 0.3
NEW_CODE_PREFIX = {"indicator": "ind_", "project": "P_", "task": "T_"}


@dataclass(frozen=True)
class Known:
    """An indicator, project or task this installation already tracks."""

    code: str
    kind: ItemKind
    name: str
    unit: str
    source: str


def _pairs(text: str) -> set[str]:
    text = words(text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character pairs, on the words only (0 to 1)."""
    pa, pb = _pairs(a), _pairs(b)
    if not pa or not pb:
        return 0.0
    return 2 * len(pa & pb) / (len(pa) + len(pb))


def same_sentence(a: str, b: str) -> bool:
    """One sentence contains the other, ignoring punctuation and its width ("," vs "，")."""
    wa, wb = words(a), words(b)
    return bool(wa) and bool(wb) and (wa in wb or wb in wa)


def known_items() -> list[Known]:
    """The indicators (queries/) and projects (data/projects.csv) of this installation."""
    from tracker.indicators import registry

    out = [Known(i.code, "indicator", i.name, i.unit, i.source) for i in registry().values()]
    path = config.DATA_DIR / "projects.csv"
    if path.exists():
        with open(path, encoding="utf-8", newline="") as fh:
            out += [Known(r["code"], "project", r["name"], "", r["source"]) for r in csv.DictReader(fh)]
    return out


def _pairs_by_known(items: list[DraftItem], known: list[Known]) -> list[tuple[float, int, str]]:
    """Every (score, item, code) at or above the threshold. Names and sentences are reduced to words and
    character pairs once each, so a 65-page draft against a town's items stays well under a second."""
    item_pairs = [_pairs(i.name) for i in items]
    item_words = [words(i.sentence) for i in items]
    out = []
    for k in known:
        k_pairs, k_words = _pairs(k.name), words(k.source)
        for n, item in enumerate(items):
            if item.kind != k.kind or (item.kind == "indicator" and item.unit != k.unit):
                continue
            pa = item_pairs[n]
            score = 2 * len(pa & k_pairs) / (len(pa) + len(k_pairs)) if pa and k_pairs else 0.0
            sentence = item_words[n]
            if sentence and k_words and (sentence in k_words or k_words in sentence):
                score += SENTENCE_BONUS
            if score >= MATCH_THRESHOLD:
                out.append((score, n, k.code))
    return out


def assign_codes(items: list[DraftItem], known: list[Known]) -> list[DraftItem]:
    """Each item with the code of the existing item it restates (one item per code, best pairs first), or a new
    code that clashes with nothing."""
    codes: dict[int, str] = {}
    taken: set[str] = set()
    for _, i, code in sorted(_pairs_by_known(items, known), key=lambda p: p[0], reverse=True):
        if i not in codes and code not in taken:
            codes[i] = code
            taken.add(code)
    used = {k.code for k in known}
    counters = dict.fromkeys(NEW_CODE_PREFIX, 0)
    out = []
    for i, item in enumerate(items):
        found = codes.get(i)
        if found is not None:
            code = found
        else:
            while True:
                counters[item.kind] += 1
                code = f"{NEW_CODE_PREFIX[item.kind]}{counters[item.kind]:03d}"
                if code not in used:
                    break
        out.append(replace(item, code=code))
    return out
