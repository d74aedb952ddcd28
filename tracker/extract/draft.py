"""From the report's text to the draft list: each sentence's clauses read as numbers first, then named works,
then tasks; a clause gives one kind of item, so "力争实现28条重点整治河涌截污工程完工" is an indicator (28 条),
not also a project.
"""

from __future__ import annotations

from tracker.extract.keywords import KeywordTable, load_keywords, suggest
from tracker.extract.quantities import is_multi_year, qualifier_in, read_quantities
from tracker.extract.records import DraftItem, Sentence
from tracker.extract.tasks import read_task
from tracker.extract.text import clauses, detect_year, fold, sentences
from tracker.extract.works import read_works

# A suggestion with no keyword behind it is a guess; the confidence says so.
NO_KEYWORD_PENALTY = 0.1


def _item(sentence: Sentence, clause: str, table: KeywordTable, **fields) -> DraftItem:
    guess = suggest(fields["name"], clause, sentence.text, sentence.section, table)
    confidence = fields.pop("confidence") - (NO_KEYWORD_PENALTY if guess.score == 0 else 0.0)
    return DraftItem(
        sentence=sentence.text,
        area=guess.area,
        department=guess.department,
        confidence=round(max(0.05, min(0.99, confidence)), 2),
        start=sentence.start,
        end=sentence.end,
        clause=clause,
        **fields,
    )


def sentence_items(sentence: Sentence, table: KeywordTable, year: int | None = None) -> list[DraftItem]:
    """The draft items of one sentence, in reading order."""
    items: list[DraftItem] = []
    governing = ""  # 力争/确保 reach forward over the clauses after them ("力争…35家以上，…12家以上")
    folded = fold(sentence.text)  # once per sentence; folding keeps every offset
    multi_year = is_multi_year(folded)
    for clause in clauses(sentence):
        if clause.opens in ";；":
            governing = ""
        at = clause.start - sentence.start
        text = folded[at : at + len(clause.text)]
        own = qualifier_in(text)
        readings = read_quantities(text, multi_year, inherited=governing)
        for r in readings:
            q = r.quantity
            items.append(
                _item(
                    sentence,
                    clause.text,
                    table,
                    name=r.name,
                    kind="indicator",
                    value=q.value,
                    unit=q.unit,
                    comparator=q.comparator,
                    qualifier=r.qualifier,
                    confidence=r.confidence,
                    upper=q.upper,
                    year=year,
                )
            )
        if not readings:
            works = read_works(text)
            for w in works:
                items.append(
                    _item(
                        sentence,
                        clause.text,
                        table,
                        name=w.name,
                        kind="project",
                        value=None,
                        unit="",
                        comparator="",
                        qualifier=own or governing,
                        confidence=w.confidence,
                        milestone=w.milestone,
                        year=year,
                    )
                )
            if not works:
                task = read_task(text, governing)
                if task:
                    items.append(
                        _item(
                            sentence,
                            clause.text,
                            table,
                            name=task.name,
                            kind="task",
                            value=None,
                            unit="",
                            comparator="",
                            qualifier=own or governing,
                            confidence=task.confidence,
                            year=year,
                        )
                    )
        governing = own or governing
    return items


def extract(text: str, year: int | None = None, table: KeywordTable | None = None) -> list[DraftItem]:
    """The draft of a whole report. ``year`` defaults to the one the report names ("2023年政府工作报告")."""
    year = year or detect_year(text)
    table = table or load_keywords()
    items: list[DraftItem] = []
    for sentence in sentences(text, year):
        if sentence.past or sentence.title:
            continue
        items.extend(sentence_items(sentence, table, year))
    return items
