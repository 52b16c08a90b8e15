"""The rules of `stackgen advise`: the guide's questions and what their answers lead to.

Loaded from ``advice.yaml`` and validated on load against the catalog, so the advice names only
questions, answers and services it defines and options the catalog offers; a malformed entry
fails with a message naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator import yamlio
from generator.catalog import Catalog, selection_matches
from generator.errors import CatalogError

ADVICE_PATH = Path(__file__).with_name("advice.yaml")
FACTS = ("own-data", "backend")  # settled by the answers; see advice.yaml
OUTCOMES = ("none", "services", "mbaas", "custom", "mix")
BACKEND_KINDS = ("mbaas", "custom")
# The advise command's own flags: a question may not take their names.
RESERVED_IDS = ("answers", "explain", "json", "generate", "help")
ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

Values = tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """``when`` every named key has one of its values (``a+b``: all of them), and not
    ``unless``; keys are question ids, facts or (in the stack) catalog choice ids."""

    when: Mapping[str, Values] = field(default_factory=dict)
    unless: Mapping[str, Values] = field(default_factory=dict)

    def matches(self, known: Mapping[str, Values]) -> bool:
        if self.unless and selection_matches(self.unless, known):
            return False
        return selection_matches(self.when, known)

    @property
    def names(self) -> set[str]:
        return set(self.when) | set(self.unless)


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    alone: bool = False  # a `many` answer that cannot be combined ("none of these")


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    why: str
    answers: tuple[Answer, ...]
    many: bool = False
    ask_if: Condition = field(default_factory=Condition)

    @property
    def flag(self) -> str:
        return f"--{self.id}"

    @property
    def answer_ids(self) -> Values:
        return tuple(a.id for a in self.answers)


@dataclass(frozen=True)
class Entry:
    """One rule: when ``condition`` matches, conclude ``pick`` / ``services`` / ``own_data``."""

    condition: Condition
    because: str
    pick: Values = ()
    services: Values = ()
    own_data: bool = False


@dataclass(frozen=True)
class Service:
    id: str
    label: str
    does: str
    examples: Values = ()
    in_mbaas: bool = False  # an MBaaS includes it (push, analytics)


@dataclass(frozen=True)
class Rules:
    version: int
    questions: tuple[Question, ...]
    no_backend: tuple[Entry, ...]
    needs: Mapping[str, tuple[Entry, ...]]
    services: Mapping[str, Service]
    backend_kinds: Mapping[str, Service]
    backend: tuple[Entry, ...]
    outcomes: Mapping[str, str]
    stack: tuple[tuple[str, tuple[Entry, ...]], ...]  # in the order the choices are decided

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def _fail(message: str) -> CatalogError:
    return CatalogError(f"advice: {message}")


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}: '{key}' must be non-empty text")
    return value


def _values(value: Any) -> Values:
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def _condition(raw: Mapping[str, Any], where: str) -> Condition:
    parts: dict[str, dict[str, Values]] = {}
    for key in ("when", "unless"):
        mapping = raw.get(key) or {}
        if not isinstance(mapping, dict):
            raise _fail(f"{where}: '{key}' must be a mapping")
        parts[key] = {str(k): _values(v) for k, v in mapping.items()}
    return Condition(when=parts["when"], unless=parts["unless"])


def _entries(raw: Any, where: str) -> tuple[Entry, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(f"{where} must be a non-empty list of entries")
    entries = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise _fail(f"{at} must be a mapping")
        unknown = set(item) - {"when", "unless", "because", "pick", "services", "own_data"}
        if unknown:
            raise _fail(f"{at}: unknown key '{sorted(unknown)[0]}'")
        entries.append(
            Entry(
                condition=_condition(item, at),
                because=_text(item, "because", at),
                pick=_values(item["pick"]) if "pick" in item else (),
                services=_values(item.get("services") or []),
                own_data=bool(item.get("own_data", False)),
            )
        )
    return tuple(entries)


def _service(sid: str, raw: Any, where: str) -> Service:
    if not isinstance(raw, dict):
        raise _fail(f"{where} must be a mapping")
    return Service(
        id=sid,
        label=_text(raw, "label", where),
        does=_text(raw, "does", where),
        examples=_values(raw.get("examples") or []),
        in_mbaas=bool(raw.get("in_mbaas", False)),
    )


def _question(raw: Any, index: int) -> Question:
    if not isinstance(raw, dict):
        raise _fail(f"questions[{index}] must be a mapping")
    qid = _text(raw, "id", f"questions[{index}]")
    where = f"question '{qid}'"
    if not ID_RE.match(qid) or qid in RESERVED_IDS:
        raise _fail(
            f"{where}: the id must be lower-case words joined by '-', not one of "
            f"{', '.join(RESERVED_IDS)}"
        )
    raw_answers = raw.get("answers")
    if not isinstance(raw_answers, list) or len(raw_answers) < 2:
        raise _fail(f"{where}: 'answers' must list at least two answers")
    answers = []
    for j, ra in enumerate(raw_answers):
        at = f"{where} answers[{j}]"
        if not isinstance(ra, dict):
            raise _fail(f"{at} must be a mapping")
        answers.append(
            Answer(
                id=str(_text(ra, "id", at)),
                label=_text(ra, "label", at),
                alone=bool(ra.get("alone", False)),
            )
        )
    if len({a.id for a in answers}) != len(answers):
        raise _fail(f"{where} lists an answer id twice")
    return Question(
        id=qid,
        ask=_text(raw, "ask", where),
        why=_text(raw, "why", where),
        answers=tuple(answers),
        many=bool(raw.get("many", False)),
        ask_if=_condition({"when": raw.get("ask_if") or {}}, where),
    )


def parse_rules(data: Any, catalog: Catalog) -> Rules:
    """Validate raw advice data against ``catalog``; raise CatalogError naming the bad entry."""
    if not isinstance(data, dict):
        raise _fail("top level must be a mapping")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise _fail("'questions' must be a non-empty list")
    questions = tuple(_question(rq, i) for i, rq in enumerate(raw_questions))
    if len({q.id for q in questions}) != len(questions):
        raise _fail("a question id is listed twice")

    raw_services = data.get("services") or {}
    if not isinstance(raw_services, dict):
        raise _fail("'services' must be a mapping")
    services = {str(k): _service(str(k), v, f"service '{k}'") for k, v in raw_services.items()}

    raw_backend = data.get("backend")
    if not isinstance(raw_backend, dict) or not isinstance(raw_backend.get("kinds"), dict):
        raise _fail("'backend' must hold 'kinds' and 'rules'")
    kinds = {
        str(k): _service(str(k), v, f"backend kind '{k}'") for k, v in raw_backend["kinds"].items()
    }
    if sorted(kinds) != sorted(BACKEND_KINDS):
        raise _fail(f"backend kinds must be exactly {', '.join(BACKEND_KINDS)}")

    raw_needs = data.get("needs")
    if not isinstance(raw_needs, dict):
        raise _fail("'needs' must be a mapping of need ids to entries")
    raw_stack = data.get("stack")
    if not isinstance(raw_stack, dict) or not raw_stack:
        raise _fail("'stack' must map catalog choice ids to entries")
    outcomes = data.get("outcomes")
    if not isinstance(outcomes, dict) or sorted(outcomes) != sorted(OUTCOMES):
        raise _fail(f"'outcomes' must give a headline for each of {', '.join(OUTCOMES)}")

    rules = Rules(
        version=int(data.get("version", 1)),
        questions=questions,
        no_backend=_entries(data.get("no_backend"), "no_backend"),
        needs={str(k): _entries(v, f"needs.{k}") for k, v in raw_needs.items()},
        services=services,
        backend_kinds=kinds,
        backend=_entries(raw_backend.get("rules"), "backend.rules"),
        outcomes={str(k): str(v) for k, v in outcomes.items()},
        stack=tuple((str(k), _entries(v, f"stack.{k}")) for k, v in raw_stack.items()),
    )
    _check(rules, catalog)
    return rules


def _check(rules: Rules, catalog: Catalog) -> None:
    """Every name the rules use exists: questions and their answers before the point where
    they are used, services, backend kinds, and - for the stack - catalog choices and options."""
    position = {q.id: i for i, q in enumerate(rules.questions)}
    answers = {q.id: set(q.answer_ids) for q in rules.questions}
    clash = set(position) & {c.id for c in catalog.choices}
    if clash:
        raise _fail(f"question '{sorted(clash)[0]}' has the name of a catalog choice")
    needs = rules.question("needs") if "needs" in position else None
    if needs is None or not needs.many:
        raise _fail("a 'many' question 'needs' must list the needs")
    # A fact is known once every question its rules name has been asked.
    need_entries = [*rules.no_backend, *(e for es in rules.needs.values() for e in es)]
    own_data = {"needs"} | {n for e in need_entries for n in e.condition.names}
    fact_inputs = {
        "own-data": own_data,
        "backend": own_data | {n for e in rules.backend for n in e.condition.names},
    }
    fact_values = {"own-data": {"yes", "no"}, "backend": {"none", *BACKEND_KINDS}}

    def check_condition(
        cond: Condition, where: str, *, before: int, choices: Mapping[str, int]
    ) -> None:
        for part in (cond.when, cond.unless):
            for key, values in part.items():
                if key in position:
                    if position[key] >= before:
                        raise _fail(f"{where} names question '{key}', which is not asked before it")
                    valid = answers[key]
                elif key in fact_values:
                    late = [q for q in fact_inputs[key] if position.get(q, -1) >= before]
                    if late:
                        raise _fail(f"{where} names '{key}', not known before question '{late[0]}'")
                    valid = fact_values[key]
                elif key in choices:
                    valid = set(catalog.choice(key).option_ids)
                else:
                    raise _fail(
                        f"{where} names '{key}', which is no question, fact or earlier choice"
                    )
                for value in values:
                    for v in value.split("+"):
                        if v not in valid:
                            raise _fail(f"{where} names unknown answer '{key}.{v}'")

    end = len(rules.questions)
    for i, q in enumerate(rules.questions):
        check_condition(q.ask_if, f"question '{q.id}' ask_if", before=i, choices={})
    for i, e in enumerate(rules.no_backend):
        check_condition(e.condition, f"no_backend[{i}]", before=end, choices={})
    for need, entries in rules.needs.items():
        if need not in answers["needs"]:
            raise _fail(f"needs.{need} is not an answer of question 'needs'")
        for i, e in enumerate(entries):
            where = f"needs.{need}[{i}]"
            check_condition(e.condition, where, before=end, choices={})
            for sid in e.services:
                if sid not in rules.services:
                    raise _fail(f"{where} names unknown service '{sid}'")
            if not e.services and not e.own_data:
                raise _fail(f"{where} meets the need with neither services nor own_data")
    missing = answers["needs"] - set(rules.needs) - {a.id for a in needs.answers if a.alone}
    if missing:
        raise _fail(f"need '{sorted(missing)[0]}' has no entries under 'needs'")
    for i, e in enumerate(rules.backend):
        check_condition(e.condition, f"backend.rules[{i}]", before=end, choices={})
        if len(e.pick) != 1 or e.pick[0] not in BACKEND_KINDS:
            raise _fail(f"backend.rules[{i}] must pick one of {', '.join(BACKEND_KINDS)}")
    decided: dict[str, int] = {}
    choice_ids = {c.id for c in catalog.choices}
    for cid, entries in rules.stack:
        if cid not in choice_ids:
            raise _fail(f"stack names unknown catalog choice '{cid}'")
        choice = catalog.choice(cid)
        for i, e in enumerate(entries):
            where = f"stack.{cid}[{i}]"
            check_condition(e.condition, where, before=end, choices=decided)
            if not e.pick:
                raise _fail(f"{where} picks nothing")
            if len(e.pick) > 1 and not choice.multiple:
                raise _fail(f"{where} picks {len(e.pick)} options of '{cid}', which takes one")
            for option in e.pick:
                if option not in choice.option_ids:
                    raise _fail(f"{where} picks unknown option '{cid}.{option}'")
        decided[cid] = len(decided)


def load_rules(catalog: Catalog, path: Path | str = ADVICE_PATH) -> Rules:
    """Read and validate an advice file against ``catalog``."""
    path = Path(path)
    try:
        data = yamlio.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(f"cannot read {path}: {exc}") from exc
    return parse_rules(data, catalog)


@cache
def default_rules() -> Rules:
    from generator.catalog import default_catalog

    return load_rules(default_catalog())
