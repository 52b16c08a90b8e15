"""The advice for people (text, and with ``explain`` which answer led where) and for
machines (``to_dict``, printed by ``stackgen advise --json``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.advice import FACTS, Rules, Service, Values
from generator.advisor import DEFAULT_DIR, Advice, command, command_line
from generator.catalog import Catalog


def _flags(pairs: tuple[tuple[str, Values], ...]) -> str:
    """Answers as the flags that give them (a fact, which no flag gives, as ``fact=value``)."""
    return ", ".join(
        f"{key}={'+'.join(values)}" if key in FACTS else f"--{key} {'+'.join(values)}"
        for key, values in pairs
    )


def _plain(values: Values, many: bool) -> str | list[str]:
    return list(values) if many else values[0]


def to_dict(
    advice: Advice, rules: Rules, catalog: Catalog, directory: str = DEFAULT_DIR
) -> dict[str, Any]:
    """A plain, JSON-ready view (``stackgen advise --json``); its ``answers`` replay with
    ``--answers``."""
    many = {q.id: q.many for q in rules.questions} | {c.id: c.multiple for c in catalog.choices}

    def answered(pairs: tuple[tuple[str, Values], ...]) -> dict[str, Any]:
        return {k: _plain(v, many.get(k, False)) for k, v in pairs}

    argv = command(advice, catalog, directory)
    return {
        "answers": {k: _plain(v, many[k]) for k, v in advice.answers.items()},
        "unused": list(advice.unused),
        "outcome": advice.outcome,
        "headline": rules.outcomes[advice.outcome],
        "no_backend": None
        if advice.no_backend is None
        else {"because": advice.no_backend.because, "answers": answered(advice.no_backend.answers)},
        "needs": [
            {
                "need": n.topic,
                "label": _answer_label(rules, "needs", n.topic),
                "services": [s for s in n.result if s != "own-data"],
                "own_data": "own-data" in n.result,
                "because": n.because,
                "answers": answered(n.answers),
            }
            for n in advice.needs
        ],
        "services": [
            {"id": s.id, "label": s.label, "examples": list(s.examples), "does": s.does}
            for s in advice.services
        ],
        "backend": None
        if advice.backend is None
        else {
            "kind": advice.backend.result[0],
            "label": rules.backend_kinds[advice.backend.result[0]].label,
            "examples": list(rules.backend_kinds[advice.backend.result[0]].examples),
            "because": advice.backend.because,
            "answers": answered(advice.backend.answers),
        },
        "stack": None
        if advice.stack is None
        else {
            p.topic: {
                "option": _plain(p.result, many[p.topic]),
                "because": p.because,
                "answers": answered(p.answers),
                "refused": [
                    {"option": _plain(o, many[p.topic]), "reason": r} for o, r in p.refused
                ],
            }
            for p in advice.picks
        },
        "command": command_line(argv) if argv else None,
        "argv": argv,
    }


def _answer_label(rules: Rules, question_id: str, answer_id: str) -> str:
    return next(a.label for a in rules.question(question_id).answers if a.id == answer_id)


def _way(rules: Rules, result: str, backend: Service | None) -> str:
    """How a need is met, in words: a service (the MBaaS's own, when it includes it)."""
    if result == "own-data":
        return _lower(backend.label) if backend is not None else "a backend of your own"
    label = _lower(rules.services[result].label)
    if backend is not None and backend.id == "mbaas" and rules.services[result].in_mbaas:
        return f"{label}, which the MBaaS includes"
    return label


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _service_lines(service: Service) -> list[str]:
    lines = [f"- {service.label}: {service.does}"]
    if service.examples:
        lines.append(f"  For example: {', '.join(service.examples)}.")
    return lines


def format_advice(
    advice: Advice,
    rules: Rules,
    catalog: Catalog,
    directory: str = DEFAULT_DIR,
    *,
    explain: bool = False,
) -> str:
    """The advice for a person: the headline, what meets each need and why, the stack with one
    sentence per choice, the command; with ``explain``, which answer led to which conclusion."""
    lines = [rules.outcomes[advice.outcome], ""]
    if advice.no_backend is not None:
        lines.append(advice.no_backend.because)
    elif not advice.needs:
        lines.append("No need calls for a backend.")
    kind = rules.backend_kinds[advice.backend.result[0]] if advice.backend else None
    for n in advice.needs:
        ways = [_way(rules, s, kind) for s in n.result]
        lines.append(f"- {_answer_label(rules, 'needs', n.topic)}: {' and '.join(ways)}.")
        lines.append(f"  {n.because}")
    if advice.services:
        lines += ["", "Ready services:"]
        lines += [line for s in advice.services for line in _service_lines(s)]
    if advice.backend is not None and kind is not None:
        lines += ["", "Backend:", *_service_lines(kind), f"  {advice.backend.because}"]
    if advice.stack is not None:
        lines += ["", "Recommended stack:"]
        for p in advice.picks:
            choice = catalog.choice(p.topic)
            labels = " + ".join(choice.option(o).label for o in p.result)
            lines.append(f"- {choice.label}: {labels}")
            lines.append(f"  {p.because}")
        argv = command(advice, catalog, directory)
        assert argv is not None
        lines += ["", "Generate it with:", f"  {command_line(argv)}"]
    if explain:
        lines += ["", *explanation(advice, rules)]
    return "\n".join(lines)


def explanation(advice: Advice, rules: Rules) -> Iterator[str]:
    """Which answers led to which conclusion, one line each."""
    yield "How the answers led here:"
    if advice.no_backend is not None:
        yield f"  {_flags(advice.no_backend.answers)} -> no backend"
    for n in advice.needs:
        ways = ", ".join("a backend of your own" if s == "own-data" else s for s in n.result)
        yield f"  {_flags(n.answers)} -> {n.topic}: {ways}"
    if advice.backend is not None:
        yield f"  {_flags(advice.backend.answers)} -> backend: {advice.backend.result[0]}"
    for p in advice.picks:
        for options, reason in p.refused:
            yield f"  (--{p.topic} {'+'.join(options)} refused by the catalog: {reason})"
        yield f"  {_flags(p.answers) or 'no answer decides it'} -> --{p.topic} {'+'.join(p.result)}"
    if advice.unused:
        skipped = ", ".join(rules.question(q).flag for q in advice.unused)
        yield f"  Not needed, earlier answers settle them: {skipped}"
