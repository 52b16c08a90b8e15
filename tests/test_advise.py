"""`stackgen advise`: from "does my app even need a backend?" to a stack and the `stackgen new`
command for it - the guide's scenarios end to end, the rules data against the catalog, and the
CLI's wiring (prompts, flags, answers files, --json, --explain, errors)."""

import copy
import itertools
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from generator.advice import ADVICE_PATH, FACTS, default_rules, parse_rules
from generator.advisor import conclude, next_question, settled
from generator.catalog import selection_matches
from generator.errors import CatalogError
from generator.stack import resolve
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
RAW = yaml.safe_load(ADVICE_PATH.read_text())
REFERENCE = (
    "stackgen new --language typescript --architecture hexagonal --database postgresql "
    "--infrastructure aws-elastic-beanstalk --api rest my-api"
)


def flags(answers: dict) -> list[str]:
    """Answers as `stackgen advise` flags (a list repeats its flag)."""
    out = []
    for qid, value in answers.items():
        for v in value if isinstance(value, list) else [value]:
            out += [f"--{qid}", v]
    return out


def stack_flags(stack: dict) -> str:
    return " ".join(f"--{cid} {v}" for cid, vs in stack.items() for v in vs.split("+"))


# One row per app the guide describes: the answers, then what they lead to - the outcome, the
# ready services, the backend kind and, for a custom backend, the stack and its command.
CUSTOM_TEAM = {"team-size": "small", "known-database": "none"}
SCENARIOS = [
    pytest.param({"internet": "no"}, "none", [], None, None, id="calculator"),
    pytest.param(
        {"internet": "yes", "needs": ["changing-data"], "data-source": "provider"},
        "services", ["data-api"], None, None,
        id="weather-app",
    ),
    pytest.param(
        {"internet": "yes", "needs": ["content"], "content-kind": "editorial"},
        "services", ["headless-cms"], None, None,
        id="content-managed-app",
    ),
    pytest.param(
        {"internet": "yes", "needs": ["payments"], "shop": "standard"},
        "services", ["hosted-shop"], None, None,
        id="online-shop-ordinary",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["payments"], "shop": "custom", "scale": "growing",
            "custom-logic": "much", "team-language": "python", "lifetime": "short",
            "operations": "some", "cloud": "other", "data-shape": "relational",
            "clients": ["mobile", "web"], **CUSTOM_TEAM,
        },
        "mix", ["payment-provider"], "custom",
        {"language": "python", "architecture": "monolith", "database": "postgresql",
         "infrastructure": "docker-compose", "api": "graphql"},
        id="online-shop-own-rules",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["content", "payments"], "content-kind": "editorial",
            "shop": "custom", "scale": "small", "custom-logic": "much",
            "team-language": "typescript", "lifetime": "long", "team-size": "several",
            "operations": "platform", "cloud": "aws", "data-shape": "relational",
            "known-database": "postgresql", "clients": ["web"],
        },
        "mix", ["headless-cms", "payment-provider"], "custom",
        {"language": "typescript", "architecture": "modular-monolith", "database": "postgresql",
         "infrastructure": "kubernetes", "api": "rest"},
        id="cms-beside-custom-orders",
    ),
    pytest.param(
        {"internet": "yes", "needs": ["social", "notifications"], "scale": "small",
         "custom-logic": "little"},
        "mbaas", [], "mbaas", None,
        id="chat-small",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["social", "notifications"], "scale": "large",
            "custom-logic": "little", "team-language": "typescript", "lifetime": "long",
            "operations": "platform", "cloud": "other", "data-shape": "documents",
            "clients": ["mobile"], **CUSTOM_TEAM,
        },
        "mix", ["push"], "custom",
        {"language": "typescript", "architecture": "hexagonal", "database": "mongodb",
         "infrastructure": "kubernetes", "api": "rest"},
        id="chat-at-scale",
    ),
    pytest.param(
        {"internet": "yes", "needs": ["sync", "backup"], "scale": "small",
         "custom-logic": "little"},
        "mbaas", [], "mbaas", None,
        id="photo-backup",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["sync", "backup"], "scale": "large",
            "custom-logic": "little", "team-language": "python", "lifetime": "long",
            "operations": "some", "cloud": "aws", "data-shape": "documents",
            "clients": ["mobile"], **CUSTOM_TEAM,
        },
        "custom", [], "custom",
        {"language": "python", "architecture": "hexagonal", "database": "dynamodb",
         "infrastructure": "docker-compose", "api": "rest"},
        id="photo-backup-at-scale-on-aws",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["changing-data"], "data-source": "own",
            "scale": "growing", "custom-logic": "much", "team-language": "python",
            "lifetime": "short", "operations": "some", "cloud": "none",
            "data-shape": "relational", "known-database": "mysql", "clients": ["partners-xml"],
            "team-size": "small",
        },
        "custom", [], "custom",
        {"language": "python", "architecture": "monolith", "database": "mysql",
         "infrastructure": "docker-compose", "api": "xml"},
        id="partners-exchanging-xml",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["sync", "backup"], "scale": "growing",
            "custom-logic": "much", "team-language": "python", "lifetime": "long",
            "operations": "managed", "cloud": "aws", "data-shape": "documents",
            "clients": ["mobile", "web"], **CUSTOM_TEAM,
        },
        "custom", [], "custom",
        {"language": "python", "architecture": "serverless", "database": "dynamodb",
         "infrastructure": "aws-lambda", "api": "graphql"},
        id="documents-on-aws-with-no-servers",
    ),
    pytest.param(
        {
            "internet": "yes", "needs": ["sync", "backup"], "scale": "growing",
            "custom-logic": "much", "team-language": "typescript", "lifetime": "long",
            "operations": "managed", "cloud": "aws", "data-shape": "relational",
            "clients": ["mobile"], **CUSTOM_TEAM,
        },
        "custom", [], "custom",
        {"language": "typescript", "architecture": "hexagonal", "database": "postgresql",
         "infrastructure": "aws-elastic-beanstalk", "api": "rest"},
        id="guide-example-typescript-on-aws",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "outcome", "services", "backend", "stack"), SCENARIOS)
def test_scenario(tmp_path, catalog, answers, outcome, services, backend, stack) -> None:
    code, out, err = run(["advise", *flags(answers), "--json"], tmp_path)
    assert code == 0, err
    advice = json.loads(out)
    assert advice["outcome"] == outcome
    assert [s["id"] for s in advice["services"]] == services
    assert (advice["backend"] or {}).get("kind") == backend
    if stack is None:
        assert advice["stack"] is None and advice["command"] is None
        return
    options = {cid: pick["option"] for cid, pick in advice["stack"].items()}
    assert {cid: "+".join(v) if isinstance(v, list) else v for cid, v in options.items()} == stack
    command = f"stackgen new {stack_flags(stack)} my-api"
    assert advice["command"] == command
    # The command is real: `stackgen new` generates that stack.
    code, out, err = run(shlex.split(command)[1:], tmp_path)
    assert code == 0, err
    written = yaml.safe_load((tmp_path / "my-api" / ".stackgen.yml").read_text())["answers"]
    for choice in catalog.choices:
        value = written[choice.id]
        assert ("+".join(value) if choice.multiple else value) == stack[choice.id]


def test_the_guide_example_ends_at_exactly_the_reference_stack(tmp_path) -> None:
    answers = SCENARIOS[-1].values[0]
    code, out, err = run(["advise", *flags(answers)], tmp_path)
    assert code == 0, err
    assert f"  {REFERENCE}\n" in out + "\n"
    assert "Your team knows TypeScript" in out
    assert "already use AWS" in out


def test_the_weather_app_gets_a_weather_data_service(tmp_path) -> None:
    answers = {"internet": "yes", "needs": ["changing-data"], "data-source": "provider"}
    code, out, _ = run(["advise", *flags(answers)], tmp_path)
    assert code == 0
    assert "Ready services do the job; no backend of your own." in out
    assert "OpenWeatherMap" in out and "(weather)" in out


def test_no_backend_names_the_guides_examples(tmp_path) -> None:
    code, out, _ = run(["advise", "--internet", "no"], tmp_path)
    assert code == 0
    assert out.startswith("No backend needed.\n")
    for app in ("calculator", "measuring tool", "camera app", "voice recorder", "single-player"):
        assert app in out


# --- the rules data against the catalog ------------------------------------------------------


def test_advice_yaml_names_only_catalog_options(catalog) -> None:
    """Read straight from the file, independent of the loader's own checks."""
    choices = {c.id: set(c.option_ids) for c in catalog.choices}
    for cid, entries in RAW["stack"].items():
        assert cid in choices, f"stack.{cid}: not a catalog choice"
        for entry in entries:
            picks = entry["pick"] if isinstance(entry["pick"], list) else [entry["pick"]]
            assert set(picks) <= choices[cid], f"stack.{cid} picks {picks}"
            for key, values in {**entry.get("when", {}), **entry.get("unless", {})}.items():
                if key in choices:
                    named = {v for entry in values for v in entry.split("+")}
                    assert named <= choices[key], f"stack.{cid} names {key} {values}"


def _edited(edit):
    data = copy.deepcopy(RAW)
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["stack"]["architecture"].append({"pick": "microservices", "because": "x"}),
            "stack.architecture[4] picks unknown option 'architecture.microservices'",
        ),
        (
            lambda d: d["stack"]["infrastructure"][0].update(pick="cloud-run"),
            "stack.infrastructure[0] picks unknown option 'infrastructure.cloud-run'",
        ),
        (
            lambda d: d["stack"].update(runtime=[{"pick": "node", "because": "x"}]),
            "stack names unknown catalog choice 'runtime'",
        ),
        (
            lambda d: d["stack"]["language"][0].update(pick=["python", "typescript"]),
            "stack.language[0] picks 2 options of 'language', which takes one",
        ),
        (
            lambda d: d["stack"]["api"][0]["when"].update(infrastructure=["render"]),
            "stack.api[0] names unknown answer 'infrastructure.render'",
        ),
        (
            lambda d: d["stack"]["language"][0]["when"].update(api=["rest"]),
            "stack.language[0] names 'api', which is no question, fact or earlier choice",
        ),
        (
            lambda d: d["stack"]["language"][0]["when"].update(cloud=["azure"]),
            "stack.language[0] names unknown answer 'cloud.azure'",
        ),
        (
            lambda d: d["questions"][2].update(ask_if={"scale": ["small"]}),
            "question 'data-source' ask_if names question 'scale', which is not asked before it",
        ),
        (
            lambda d: d["questions"][2].update(ask_if={"backend": ["custom"]}),
            "question 'data-source' ask_if names 'backend', not known before question",
        ),
        (
            lambda d: d["needs"]["content"][0].update(services=["crm"]),
            "needs.content[0] names unknown service 'crm'",
        ),
        (lambda d: d["needs"].pop("sync"), "need 'sync' has no entries under 'needs'"),
        (
            lambda d: d["questions"][0].update(id="json"),
            "question 'json': the id must be lower-case words",
        ),
        (
            lambda d: d["questions"].append({**d["questions"][0], "id": "language"}),
            "question 'language' has the name of a catalog choice",
        ),
    ],
)
def test_malformed_advice_names_the_bad_entry(catalog, edit, message) -> None:
    with pytest.raises(CatalogError, match=re.escape(f"advice: {message}")):
        parse_rules(_edited(edit), catalog)


def _answer_sets(question):
    """Every answer a question can have (a `many` one: every allowed set), and None when
    earlier answers may skip it."""
    ids = question.answer_ids
    if question.many:
        sets = [
            c
            for r in range(1, len(ids) + 1)
            for c in itertools.combinations(ids, r)
            if r == 1 or not any(a.alone and a.id in c for a in question.answers)
        ]
    else:
        sets = [(a,) for a in ids]
    skippable = any(k not in FACTS for k in question.ask_if.names)
    return sets + ([None] if skippable else [])


def stack_cases(rules, catalog) -> list[dict]:
    """Answers covering every case the stack rules can tell apart.

    An entry's condition is a conjunction of one clause per key, so two sets of answers whose
    clauses all agree make the same recommendation. Walking the questions the stack names one
    at a time, keeping one answer set per vector of clause results (as bitmasks), reaches every
    distinct case; answer sets under which the same picks are tried in the same order are then
    the same case too. Facts are those of a custom backend. The cases include answers the
    questions' order would never give together (a superset of what is reachable)."""
    custom = {"own-data": ("yes",), "backend": ("custom",)}
    choice_ids = {c.id for c in catalog.choices}
    entries = [(cid, e) for cid, es in rules.stack for e in es]
    # An `unless` naming a choice would depend on the picks; this walk does not handle one yet.
    assert not any(set(e.condition.unless) & choice_ids for _, e in entries)
    keys = list(
        dict.fromkeys(
            k for _, e in entries for k in e.condition.names if k not in choice_ids | set(FACTS)
        )
    )

    def failing(part, key, value) -> int:
        """Entries whose clause on ``key`` in ``part`` (when/unless) fails for ``value``."""
        bits = 0
        for i, (_, e) in enumerate(entries):
            clause = getattr(e.condition, part)
            if key in clause and (
                value is None or not selection_matches({key: clause[key]}, {key: value})
            ):
                bits |= 1 << i
        return bits

    when = unless = (1 << len(entries)) - 1
    for fact in FACTS:
        when &= ~failing("when", fact, custom[fact])
        unless &= ~failing("unless", fact, custom[fact])
    states = {(when, unless): {}}
    for key in keys:
        options = [
            (v, failing("when", key, v), failing("unless", key, v))
            for v in _answer_sets(rules.question(key))
        ]
        states = {
            (w & ~fw, u & ~fu): {**case, key: v} if v is not None else case
            for (w, u), case in states.items()
            for v, fw, fu in options
        }

    def tried(w: int, u: int) -> tuple:
        """Per choice, the picks tried in order (with the choices their entry names)."""
        out: dict[str, list] = {}
        for i, (cid, e) in enumerate(entries):
            if (w >> i) & 1 and not (e.condition.unless and (u >> i) & 1):
                at = (e.pick, tuple((k, v) for k, v in e.condition.when.items() if k in choice_ids))
                if at not in out.setdefault(cid, []):
                    out[cid].append(at)
        return tuple((cid, tuple(v)) for cid, v in out.items())

    cases = {tried(w, u): case for (w, u), case in states.items()}
    return list(cases.values())


def test_every_reachable_recommendation_is_a_valid_stack(catalog) -> None:
    rules = default_rules()
    base = {"internet": ("yes",), "needs": ("sync",), "custom-logic": ("much",)}
    stacks = set()
    cases = stack_cases(rules, catalog)
    assert len(cases) > 1000  # the enumeration did not collapse
    for case in cases:
        known = {**base, **case}
        if settled(rules, known).get("backend") != ("custom",):
            continue
        advice = conclude(rules, catalog, known)  # CatalogError if no entry fits
        assert advice.stack is not None, known
        stacks.add(tuple(advice.stack.selections.items()))
    # Each distinct stack again, as `stackgen new` takes it from the command line.
    for selections in stacks:
        resolve(catalog, flags={"name": "x", **dict(selections)}, no_input=True)
    assert len(stacks) > 100


def test_every_answer_path_ends_in_advice(catalog) -> None:
    """Every path through the questions before the stack - every set of needs included - ends
    in a conclusion, or in a custom backend whose stack questions come next."""
    rules = default_rules()
    stack_questions = {q.id for q in rules.questions if q.ask_if.when.get("backend") == ("custom",)}
    outcomes = set()

    def walk(known: dict) -> None:
        question = next_question(rules, known)
        if question is None:
            advice = conclude(rules, catalog, known)
            assert advice.stack is None
            outcomes.add(advice.outcome)
        elif question.id in stack_questions:
            assert settled(rules, known)["backend"] == ("custom",)
            outcomes.add("custom")
        else:
            for answer in _answer_sets(question):
                if answer is not None:  # asked now, so it gets an answer
                    walk({**known, question.id: answer})

    walk({})
    assert outcomes == {"none", "services", "mbaas", "mix", "custom"}


# --- the CLI's wiring ------------------------------------------------------------------------


def test_interactive_asks_in_order_skipping_what_answers_settle(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("generator.cli._at_terminal", lambda: True)
    code, out, err = run(
        ["advise"], tmp_path, input="yes\nchanging-data, bogus\nchanging-data\nprovider\n"
    )
    assert code == 0, err
    asked = [line for line in out.splitlines() if line.startswith("  Why we ask: ")]
    assert len(asked) == 3  # internet, needs, data-source: nothing about scale or the stack
    assert "Error: --needs 'bogus' is not an answer (valid: content, changing-data" in out
    assert out.index("Does the app need the internet") < out.index("Where does the changing")
    assert "How do you sell?" not in out and "Which language" not in out
    assert "Ready services do the job; no backend of your own." in out
    assert "Generate this project now?" not in out  # no custom backend, nothing to generate


GUIDE_EXAMPLE_INPUT = [
    "yes", "sync backup", "growing", "much", "typescript", "long", "small", "managed", "aws",
    "relational", "none", "mobile",
]  # fmt: skip


def test_interactive_generates_on_confirmation(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("generator.cli._at_terminal", lambda: True)
    answers = [*GUIDE_EXAMPLE_INPUT, "y", "shop", "n"]
    code, out, err = run(["advise"], tmp_path, input="\n".join(answers) + "\n")
    assert code == 0, err
    assert REFERENCE in out
    assert "Created shop in shop" in out
    written = yaml.safe_load((tmp_path / "shop" / ".stackgen.yml").read_text())["answers"]
    assert written["language"] == "typescript"
    assert written["infrastructure"] == "aws-elastic-beanstalk"


def test_interactive_can_change_a_choice_before_generating(tmp_path, monkeypatch) -> None:
    """`new`'s prompts, with the advice as every default: Enter keeps it, an answer changes it."""
    monkeypatch.setattr("generator.cli._at_terminal", lambda: True)
    prompts = ["", "", "monolith", "", "", "", ""]  # name, language, architecture, ...
    answers = [*GUIDE_EXAMPLE_INPUT, "y", "shop", "y", *prompts]
    code, out, err = run(["advise"], tmp_path, input="\n".join(answers) + "\n")
    assert code == 0, err
    assert "Programming language [typescript]: " in out
    assert "Architecture [hexagonal]: " in out
    assert "Infrastructure (where it runs) [aws-elastic-beanstalk]: " in out
    written = yaml.safe_load((tmp_path / "shop" / ".stackgen.yml").read_text())["answers"]
    assert written["architecture"] == "monolith"
    assert written["database"] == ["postgresql"]
    assert written["infrastructure"] == "aws-elastic-beanstalk"


def test_at_a_real_terminal(tmp_path) -> None:
    child = pexpect.spawn(
        sys.executable, ["-m", "generator", "advise"], cwd=str(tmp_path), encoding="utf-8",
        timeout=30, dimensions=(50, 200),
    )  # fmt: skip
    child.expect_exact("Why we ask: An app that works on the device alone")
    child.expect_exact("Your answer (--internet): ")
    child.sendline("no")
    child.expect_exact("No backend needed.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "stackgen: error: --internet: no answer given and no terminal to ask on; "
            "pass --internet (yes|no) or --answers FILE",
        ),
        (
            ["--internet", "yes", "--needs", "payments"],
            "stackgen: error: --shop: no answer given and no terminal to ask on; "
            "pass --shop (standard|custom) or --answers FILE",
        ),
        (
            ["--scale", "huge"],
            "stackgen advise: error: Invalid value for '--scale': 'huge' is not one of "
            "'small', 'growing', 'large'.",
        ),
        (
            ["--internet", "yes", "--needs", "none", "--needs", "sync"],
            "stackgen: error: --needs 'none' cannot be combined with other answers",
        ),
        (
            ["--internet", "no", "--generate", "out"],
            "stackgen: error: --generate out: there is no custom backend to generate; "
            "the advice: No backend needed.",
        ),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path, args, message) -> None:
    code, _, err = run(["advise", *args], tmp_path)
    assert code == 2
    assert err.strip().startswith(message), err
    assert len(err.strip().splitlines()) == 1, err
    assert list(tmp_path.iterdir()) == []


def test_missing_answer_from_the_console_script_without_a_terminal(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "advise", "--internet", "yes"],
        cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == (
        "stackgen: error: --needs: no answer given and no terminal to ask on; pass --needs "
        "(content|changing-data|sync|backup|payments|social|statistics|notifications|none) "
        "or --answers FILE\n"
    )
    assert proc.stdout == ""


def test_json_shape(tmp_path) -> None:
    answers = SCENARIOS[4].values[0]  # the shop with rules of its own: a mix
    code, out, _ = run(["advise", *flags(answers), "--json"], tmp_path)
    assert code == 0
    advice = json.loads(out)
    assert list(advice) == [
        "answers", "unused", "outcome", "headline", "no_backend", "needs", "services",
        "backend", "stack", "command", "argv",
    ]  # fmt: skip
    assert advice["answers"] == answers
    assert advice["needs"] == [
        {
            "need": "payments",
            "label": "Orders and payments",
            "services": ["payment-provider"],
            "own_data": True,
            "because": advice["needs"][0]["because"],
            "answers": {"needs": ["payments"]},
        }
    ]
    assert advice["services"][0]["examples"] == ["Stripe", "Adyen"]
    assert advice["backend"]["kind"] == "custom"
    assert advice["backend"]["answers"] == {"custom-logic": "much"}
    assert list(advice["stack"]) == ["language", "architecture", "database", "infrastructure",
                                     "api"]  # fmt: skip
    assert advice["stack"]["api"] == {
        "option": "graphql",
        "because": advice["stack"]["api"]["because"],
        "answers": {"clients": ["mobile", "web"]},
        "refused": [],
    }
    assert advice["argv"] == shlex.split(advice["command"])[1:]


def test_explain_shows_which_answer_led_where(tmp_path) -> None:
    answers = {
        **SCENARIOS[-1].values[0], "clients": ["services"],  # gRPC, refused on Elastic Beanstalk
    }  # fmt: skip
    code, out, _ = run(["advise", *flags(answers), "--explain"], tmp_path)
    assert code == 0
    explained = out[out.index("How the answers led here:") :].splitlines()
    assert explained[1:] == [
        "  --needs sync -> sync: a backend of your own",
        "  --needs backup -> backup: a backend of your own",
        "  --custom-logic much -> backend: custom",
        "  --team-language typescript -> --language typescript",
        "  --lifetime long -> --architecture hexagonal",
        "  --data-shape relational -> --database postgresql",
        "  --operations managed, --cloud aws -> --infrastructure aws-elastic-beanstalk",
        "  (--api grpc refused by the catalog: The Elastic Beanstalk stack puts the app behind "
        "an HTTP/1.1 load balancer on one port; gRPC needs HTTP/2 end to end on its own port.)",
        "  --clients services -> --api rest",
    ]


def test_explain_names_answers_that_were_not_needed(tmp_path) -> None:
    code, out, _ = run(["advise", "--internet", "no", "--scale", "large", "--explain"], tmp_path)
    assert code == 0
    assert out.endswith(
        "How the answers led here:\n"
        "  --internet no -> no backend\n"
        "  Not needed, earlier answers settle them: --scale\n"
    )


def test_answers_file_replays_and_flags_win(tmp_path) -> None:
    answers = SCENARIOS[-1].values[0]
    (tmp_path / "a.yml").write_text(
        yaml.safe_dump({**answers, "internet": True})  # YAML's `yes` reads as true
    )
    code, out, err = run(["advise", "--answers", "a.yml", "--json"], tmp_path)
    assert code == 0, err
    assert json.loads(out)["command"] == REFERENCE
    # --json output replays as it is; a flag beats the file.
    (tmp_path / "advice.json").write_text(out)
    code, out, err = run(
        ["advise", "--answers", "advice.json", "--team-language", "python", "--json"], tmp_path
    )
    assert code == 0, err
    assert json.loads(out)["stack"]["language"]["option"] == "python"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "scale: huge\n",
            "--answers a.yml: --scale 'huge' is not an answer (valid: small, growing, large)",
        ),
        ("colour: red\n", "--answers: a.yml: unknown question 'colour' (questions: internet,"),
        ("internet: [yes, no]\n", "--answers a.yml: --internet takes one answer, got yes, no"),
        ("- yes\n", "--answers: a.yml must be a mapping of answers"),
        ("a: &x 1\nb: *x\n", "--answers: a.yml is not valid YAML (line 1): anchors and aliases"),
    ],
)
def test_a_bad_answers_file_is_one_line(tmp_path, content, message) -> None:
    (tmp_path / "a.yml").write_text(content)
    code, _, err = run(["advise", "--answers", "a.yml", "--internet", "no"], tmp_path)
    assert code == 2
    assert err.startswith(f"stackgen: error: {message}"), err
    assert len(err.strip().splitlines()) == 1


def test_generate_runs_new_with_the_advice(tmp_path, catalog) -> None:
    answers = SCENARIOS[-1].values[0]
    code, out, err = run(["advise", *flags(answers), "--generate", "shop"], tmp_path)
    assert code == 0, err
    assert "stackgen new --language typescript" in out and out.rstrip().endswith("(see README.md)")
    assert "Created shop in shop" in out
    written = yaml.safe_load((tmp_path / "shop" / ".stackgen.yml").read_text())["answers"]
    assert written["name"] == "shop"
    assert written["architecture"] == "hexagonal"


def test_generate_with_json_keeps_stdout_json(tmp_path) -> None:
    answers = SCENARIOS[-1].values[0]
    code, out, err = run(["advise", *flags(answers), "--generate", "shop", "--json"], tmp_path)
    assert code == 0, err
    assert json.loads(out)["argv"][-1] == "shop"
    assert "Created shop in shop" in err


def test_help_lists_every_question_and_loads_no_advice() -> None:
    code, out, _ = run(["advise", "--help"], ROOT)
    assert code == 0
    for question in default_rules().questions:
        assert question.flag in out
    probe = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('generator.advice' in sys.modules, 'yaml' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "False False"


def test_the_docs_list_every_question() -> None:
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    section = architecture[architecture.index("## The advisor") :]
    for question in default_rules().questions:
        assert f"`{question.flag}`" in section, question.id


def test_the_readme_transcript_is_real(tmp_path) -> None:
    """Every `$ stackgen advise ...` block in the README prints what follows it."""
    readme = (ROOT / "README.md").read_text()
    command_and_output = r"```console\n\$ (stackgen advise(?:[^\n]*\\\n)*[^\n]*)\n(.*?)```"
    blocks = re.findall(command_and_output, readme, re.S)
    assert blocks
    for command, shown in blocks:
        args = shlex.split(command.replace("\\\n", " "))[1:]
        code, out, _ = run(args, tmp_path)
        assert code == 0
        assert out == shown, command
