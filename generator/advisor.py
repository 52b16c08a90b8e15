"""Answers in, one immutable ``Advice`` out: `stackgen advise`'s questions asked in order,
skipping those earlier answers settle, then what the answers lead to - whether a backend is
needed, what meets each need, and for a custom backend a stack that ``stack.resolve`` (the code
path of `stackgen new`) has accepted.

Precedence, as for `new`: flags > answers file > a prompt (when there is a terminal).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.advice import Condition, Entry, Question, Rules, Service, Values
from generator.catalog import Catalog
from generator.errors import (
    AnswersFileError,
    CatalogError,
    InvalidChoice,
    MissingValue,
    UsageError,
    shorten,
)
from generator.stack import Stack, answers_mapping, resolve

DEFAULT_DIR = "my-api"  # the directory the `stackgen new` command is given unless told one
AskQuestion = Callable[[Question], Any]


@dataclass(frozen=True)
class Conclusion:
    """One step of the advice: what it concluded, the answers that led there, and why."""

    topic: str  # a need's id, "backend", or a catalog choice id
    result: Values  # service ids (+ "own-data"), a backend kind, or option ids
    because: str
    answers: tuple[tuple[str, Values], ...]  # (question, fact or choice id, its values)
    refused: tuple[tuple[Values, str], ...] = ()  # options tried first, the catalog's reason


@dataclass(frozen=True)
class Advice:
    answers: Mapping[str, Values]  # the answers the advice used, in question order
    unused: tuple[str, ...]  # question ids answered although earlier answers settled them
    outcome: str  # one of OUTCOMES
    no_backend: Conclusion | None
    needs: tuple[Conclusion, ...]
    services: tuple[Service, ...]
    backend: Conclusion | None
    picks: tuple[Conclusion, ...]  # in the catalog's choice order
    stack: Stack | None


def check_answer(question: Question, value: Any, source: str) -> Values:
    """One answer as a tuple of answer ids, or InvalidChoice naming ``source`` and the valid
    answers. A YAML ``yes``/``no`` (read as true/false) counts as the answer of that name."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            item = "yes" if item else "no"
        if not isinstance(item, str) or item not in question.answer_ids:
            raise InvalidChoice(
                f"{source} '{shorten(str(item))}' is not an answer "
                f"(valid: {', '.join(question.answer_ids)})"
            )
        if item not in out:
            out.append(item)
    if not out:
        raise InvalidChoice(f"{source} needs an answer (valid: {', '.join(question.answer_ids)})")
    if len(out) > 1 and not question.many:
        raise InvalidChoice(f"{source} takes one answer, got {shorten(', '.join(out))}")
    alone = [a.id for a in question.answers if a.alone and a.id in out]
    if alone and len(out) > 1:
        raise InvalidChoice(f"{source} '{alone[0]}' cannot be combined with other answers")
    return tuple(a for a in question.answer_ids if a in out)


def read_answers_file(path: Path | str, rules: Rules) -> dict[str, Values]:
    """Load answers from YAML (or JSON: `advise --json` output replays too)."""
    path = Path(path)
    data = answers_mapping(path)
    known = {q.id for q in rules.questions}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise AnswersFileError(
            f"--answers: {path}: unknown question '{shorten(unknown[0])}' "
            f"(questions: {', '.join(q.id for q in rules.questions)})"
        )
    return {
        q.id: check_answer(q, data[q.id], f"--answers {path}: {q.flag}")
        for q in rules.questions
        if data.get(q.id) is not None
    }


def _first(entries: tuple[Entry, ...], known: Mapping[str, Values]) -> Entry | None:
    return next((e for e in entries if e.condition.matches(known)), None)


def settled(rules: Rules, known: Mapping[str, Values]) -> dict[str, Values]:
    """The answers so far plus the facts they settle (``own-data``, ``backend``; absent while
    the answers do not settle them yet)."""
    facts = dict(known)
    if _first(rules.no_backend, known) is not None:
        facts["own-data"] = ("no",)
    elif "needs" in known:
        own = any(
            (e := _first(rules.needs.get(n, ()), known)) is not None and e.own_data
            for n in known["needs"]
        )
        facts["own-data"] = ("yes",) if own else ("no",)
    if facts.get("own-data") == ("no",):
        facts["backend"] = ("none",)
    elif facts.get("own-data") == ("yes",) and (e := _first(rules.backend, facts)) is not None:
        facts["backend"] = e.pick
    return facts


def next_question(rules: Rules, known: Mapping[str, Values]) -> Question | None:
    """The first question not answered in ``known`` that earlier answers do not settle; None
    when every question is answered or settled. (A question's ``ask_if`` names only what is
    known before it, so a question skipped once stays skipped.)"""
    facts = settled(rules, known)
    return next((q for q in rules.questions if q.id not in known and q.ask_if.matches(facts)), None)


def advise(
    rules: Rules,
    catalog: Catalog,
    *,
    flags: Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    ask: AskQuestion | None = None,
    sources: Mapping[str, str] | None = None,
) -> Advice:
    """Ask the questions in order, skipping those earlier answers settle, and conclude.

    ``flags`` win over ``answers`` (an answers file); a question neither holds is asked with
    ``ask`` or, without it (no terminal), is an error naming its flag.
    """
    label = {"answers": "--answers", **(sources or {})}
    given: dict[str, Values] = {}
    for src, mapping in (("answers", answers or {}), ("flags", flags)):
        for qid, value in mapping.items():
            if value is None or value == () or value == []:
                continue
            if qid not in {q.id for q in rules.questions}:
                raise InvalidChoice(f"{label.get(src, src)}: unknown question '{shorten(qid)}'")
            q = rules.question(qid)
            given[qid] = check_answer(
                q, value, q.flag if src == "flags" else f"{label[src]}: {q.flag}"
            )
    known: dict[str, Values] = {}
    while (question := next_question(rules, known)) is not None:
        if question.id in given:
            known[question.id] = given[question.id]
        elif ask is not None:
            known[question.id] = check_answer(question, ask(question), question.flag)
        else:
            raise MissingValue(
                f"{question.flag}: no answer given and no terminal to ask on; pass "
                f"{question.flag} ({'|'.join(question.answer_ids)}) or --answers FILE"
            )
    unused = tuple(q.id for q in rules.questions if q.id in given and q.id not in known)
    return conclude(rules, catalog, known, unused=unused)


def _matched(entry: Entry, known: Mapping[str, Values]) -> tuple[tuple[str, Values], ...]:
    return tuple((key, known[key]) for key in entry.condition.when)


def conclude(
    rules: Rules, catalog: Catalog, known: Mapping[str, Values], *, unused: tuple[str, ...] = ()
) -> Advice:
    """The advice that ``known`` (every question that was asked, answered) leads to."""
    facts = settled(rules, known)
    answers = MappingProxyType({q.id: known[q.id] for q in rules.questions if q.id in known})
    if (entry := _first(rules.no_backend, facts)) is not None:
        why = Conclusion("no-backend", ("none",), entry.because, _matched(entry, facts))
        return Advice(answers, unused, "none", why, (), (), None, (), None)
    needs: list[Conclusion] = []
    for need in facts.get("needs", ()):
        entry = _first(rules.needs[need], facts)
        if entry is None:
            raise CatalogError(f"advice: no entry of needs.{need} fits {_describe(answers)}")
        result = entry.services + (("own-data",) if entry.own_data else ())
        matched = (("needs", (need,)), *_matched(entry, facts))
        needs.append(Conclusion(need, result, entry.because, matched))
    backend: Conclusion | None = None
    if facts.get("own-data") == ("yes",):
        entry = _first(rules.backend, facts)
        if entry is None:
            raise CatalogError(f"advice: no entry of backend.rules fits {_describe(answers)}")
        backend = Conclusion("backend", entry.pick, entry.because, _matched(entry, facts))
    kind = backend.result[0] if backend else None
    service_ids = dict.fromkeys(s for n in needs for s in n.result if s != "own-data")
    services = tuple(
        rules.services[s]
        for s in service_ids
        if not (kind == "mbaas" and rules.services[s].in_mbaas)
    )
    if kind is not None:
        outcome = "mix" if services else kind
    else:  # every need is met by ready services
        outcome = "services" if services else "none"
    picks: tuple[Conclusion, ...] = ()
    stack = None
    if kind == "custom":
        picks, stack = _recommend(rules, catalog, facts)
    return Advice(
        answers=answers,
        unused=unused,
        outcome=outcome,
        no_backend=None,
        needs=tuple(needs),
        services=services,
        backend=backend,
        picks=picks,
        stack=stack,
    )


def _recommend(
    rules: Rules, catalog: Catalog, facts: Mapping[str, Values]
) -> tuple[tuple[Conclusion, ...], Stack]:
    """Decide each catalog choice in the rules' order: the first entry that matches and that
    no catalog rule refuses beside the choices made so far - or once later choices are made (a
    rule may name three choices), in which case the next entry is tried."""
    decisions = list(rules.stack)
    for choice in catalog.choices:
        if choice.id not in dict(decisions):  # a choice the advice does not know yet
            default = Entry(
                Condition(),
                f"stackgen's default: {choice.option(choice.default).help}",
                pick=(choice.default,),
            )
            decisions.append((choice.id, (default,)))

    def decide(at: int, picks: dict[str, Values]) -> list[Conclusion] | list[str]:
        """Conclusions for decisions[at:], or (no Conclusion in it) the reasons none fits."""
        if at == len(decisions):
            return []
        cid, entries = decisions[at]
        refused: list[tuple[Values, str]] = []
        for entry in entries:
            if not entry.condition.matches({**facts, **picks}):
                continue
            trial = {**picks, cid: entry.pick}
            rule = next((r for r in catalog.rules if r.matches(trial)), None)
            rest = decide(at + 1, trial) if rule is None else [rule.reason]
            if rest and not isinstance(rest[0], Conclusion):
                refused.append((entry.pick, " ".join(dict.fromkeys(str(r) for r in rest))))
                continue
            matched = _matched(entry, {**facts, **trial})
            here = Conclusion(cid, entry.pick, entry.because, matched, tuple(refused))
            return [here, *(r for r in rest if isinstance(r, Conclusion))]
        return [reason for _, reason in refused] or [f"no entry of stack.{cid} matches"]

    found = decide(0, {})
    conclusions = {c.topic: c for c in found if isinstance(c, Conclusion)}
    if len(conclusions) != len(decisions):
        raise CatalogError(
            f"advice: no stack fits {_describe(dict(facts))}: {' '.join(map(str, found))}"
        )
    picks = {cid: c.result for cid, c in conclusions.items()}
    try:
        stack = resolve(
            catalog,
            flags={"name": DEFAULT_DIR, **{k: list(v) for k, v in picks.items()}},
            no_input=True,
        )
    except UsageError as exc:  # the rules recommended what `new` refuses: a bug in the rules
        raise CatalogError(
            f"advice: the stack recommended for {_describe(dict(facts))} is refused: {exc}"
        ) from exc
    return tuple(conclusions[c.id] for c in catalog.choices), stack


def _describe(answers: Mapping[str, Values]) -> str:
    return " ".join(f"--{k} {'+'.join(v)}" for k, v in answers.items())


def command(advice: Advice, catalog: Catalog, directory: str = DEFAULT_DIR) -> list[str] | None:
    """The `stackgen new` arguments that generate the recommended stack into ``directory``."""
    if advice.stack is None:
        return None
    argv = ["new"]
    for choice in catalog.choices:
        for option in advice.stack.all(choice.id):
            argv += [choice.flag, option]
    return [*argv, directory]


def command_line(argv: list[str]) -> str:
    return shlex.join(["stackgen", *argv])
