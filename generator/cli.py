"""The command line: parse, call the library, print. No logic lives here.

Errors a user can cause become one line on stderr and an exit status in ``main``.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import __version__, signals
from generator.errors import Interrupted, StackgenError, UsageError

if TYPE_CHECKING:
    from generator.advice import Question
    from generator.catalog import Catalog, Choice
    from generator.presets import OrgPreset
    from generator.stack import Stack


@cache
def catalog() -> Catalog:
    """The catalog, parsed the first time a command needs it (never for --help of the group)."""
    from generator.catalog import default_catalog

    return default_catalog()


def _catalog_flags() -> list[click.Parameter]:
    """One flag per catalog choice, so a new choice in the catalog is a new flag; and --preset."""
    flags: list[click.Parameter] = []
    for choice in catalog().choices:
        help_text = f"{choice.help} [default: {choice.default}]"
        if choice.multiple:
            help_text += " Repeatable."
        flags.append(
            click.Option(
                [choice.flag, choice.id],
                type=click.Choice(choice.option_ids),
                multiple=choice.multiple,
                default=None,
                help=help_text,
            )
        )
    flags.append(
        click.Option(
            ["--preset"],
            metavar="NAME|FILE",
            help="Start from a named set of answers (see `stackgen options`), or a team's "
            "preset file with locked and allowed choices [default: $STACKGEN_PRESET].",
        )
    )
    return flags


def _advice_flags() -> list[click.Parameter]:
    """One flag per question of advice.yaml, so a new question there is a new flag."""
    from generator.advice import default_rules

    flags: list[click.Parameter] = []
    for q in default_rules().questions:
        flags.append(
            click.Option(
                [q.flag, q.id.replace("-", "_")],
                type=click.Choice(q.answer_ids),
                multiple=q.many,
                default=None,
                help=f"{q.ask} {q.why}" + (" Repeatable." if q.many else ""),
            )
        )
    return flags


class CatalogCommand(click.Command):
    """A command whose flags come from a data file (the catalog, the advice), built when the
    command is used, so `stackgen --help` parses no YAML. ``after``: the parameter they follow
    (None: they come first)."""

    def __init__(self, *args: Any, catalog_flags: Callable[[], list[click.Parameter]],
                 after: str | None, **kwargs: Any) -> None:  # fmt: skip
        self._catalog_flags: Callable[[], list[click.Parameter]] | None = catalog_flags
        self._after = after
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def params(self) -> list[click.Parameter]:
        if self._catalog_flags is not None:
            build, self._catalog_flags = self._catalog_flags, None
            names = [p.name for p in self._params]
            at = 0 if self._after is None else names.index(self._after) + 1
            self._params[at:at] = build()
        return self._params

    @params.setter
    def params(self, value: list[click.Parameter]) -> None:
        self._params = value


def _at_terminal() -> bool:
    """Whether there is a person to prompt (the tests stand one in)."""
    return sys.stdin.isatty()


def _prompt(field: str, choice: Choice | None, default: Any) -> Any:
    """Ask on the terminal; the help of every option is shown before the prompt. A store
    choice's default may be a list: the primary store, then the secondary."""
    if choice is None:
        return click.prompt("Project name", default=default)
    click.echo()
    click.secho(f"{choice.label}: {choice.help}", bold=True)
    options = [o for o in choice.options if o.role != "secondary"]
    for o in options:
        click.echo(f"  {o.id:<16} {o.label} - {o.help}")
    defaults = list(default) if isinstance(default, list | tuple) else [default]
    value = click.prompt(
        choice.prompt,
        type=click.Choice([o.id for o in options]),
        default=defaults[0],
        show_choices=False,
    )
    if not choice.multiple:
        return value
    values = [value]
    secondaries = [
        o for o in choice.options if o.role == "secondary" or value in o.secondary_beside
    ]
    if secondaries:
        click.echo("Add a secondary store beside it (or 'none'):")
        for o in secondaries:
            click.echo(f"  {o.id:<16} {o.label} - {o.help}")
        secondary_ids = [o.id for o in secondaries]
        extra = click.prompt(
            "Secondary store",
            type=click.Choice(["none", *secondary_ids]),
            default=next((d for d in defaults[1:] if d in secondary_ids), "none"),
            show_choices=False,
        )
        if extra != "none":
            values.append(extra)
    return values


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="stackgen")
def cli() -> None:
    """Bootstrap a ready backend repository: pick a stack, get a project that installs,
    runs, passes its tests, lints clean and carries deploy config that validates.

    Shell completion (bash): eval "$(_STACKGEN_COMPLETE=bash_source stackgen)"
    """


@cli.command(cls=CatalogCommand, catalog_flags=_catalog_flags, after="description")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Project name, e.g. 'Orders API'. [default: DIR's name]")
@click.option("--description", help="One-line description for the README and package metadata.")
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Replay a YAML answers file, e.g. another project's .stackgen.yml.",
)
@click.option("--no-input", is_flag=True, help="Never prompt: take defaults for what is not given.")
@click.option(
    "--dry-run", is_flag=True, help="Print the tree that would be written; write nothing."
)
def new(
    directory: Path | None,
    name: str | None,
    description: str | None,
    preset: str | None,
    answers_file: Path | None,
    no_input: bool,
    dry_run: bool,
    **choices: Any,
) -> None:
    """Generate a new backend project in DIR (default: the project's slug)."""
    from generator.stack import read_answers_file, resolve

    the_catalog = catalog()
    named, team = _presets(the_catalog, preset)
    answers = read_answers_file(answers_file, the_catalog) if answers_file else None
    flags: dict[str, Any] = {"name": name, "description": description, **choices}
    interactive = not no_input and _at_terminal()
    stack = resolve(
        the_catalog,
        flags=flags,
        answers=answers,
        preset=the_catalog.preset(named).answers if named else None,
        ask=_prompt if interactive else None,
        no_input=no_input,
        default_name=directory.name if directory else None,
        sources={"answers": f"--answers {answers_file}", "preset": f"--preset {preset}"},
        policy=team,
    )
    target = directory if directory is not None else Path(stack.slug)
    _create(stack, the_catalog, target, dry_run=dry_run, team=team)


def _presets(the_catalog: Catalog, preset: str | None) -> tuple[str | None, OrgPreset | None]:
    """``--preset``: a catalog preset's id, or a team's preset file (by default the one
    $STACKGEN_PRESET or ~/.config/stackgen/preset.yml names)."""
    from generator import presets

    ids = [p.id for p in the_catalog.presets]
    if preset in ids:
        return preset, None
    path = Path(preset) if preset else presets.default_path()
    if path is None:
        return None, None
    if preset and not path.exists():
        raise UsageError(
            f"--preset: '{preset[:60]}' is neither a preset ({', '.join(ids)}) nor a file"
        )
    return None, presets.load(path, the_catalog)


def _create(
    stack: Stack,
    the_catalog: Catalog,
    target: Path,
    *,
    dry_run: bool = False,
    err: bool = False,
    team: OrgPreset | None = None,
) -> None:
    """Render ``stack`` into ``target`` and say what was written (on stderr with ``err``)."""
    from generator.render import render, tree

    result = render(stack, the_catalog, target, dry_run=dry_run, hold_signals_after=True, team=team)
    for note in result.notes:
        click.echo(f"stackgen: note: {note}", err=True)
    if dry_run:
        click.echo(tree(result.files, target.name), err=err)
        summary = f"{len(result.files)} files would be written (dry run: nothing written)."
        click.echo(f"\n{summary}", err=err)
        return
    # The project is in place and signals are held (render): one is reported after the summary.
    click.echo(
        f"Created {stack.name} in {target} ({len(result.files)} files): "
        + ", ".join(f"{c.id}={'+'.join(stack.all(c.id))}" for c in the_catalog.choices),
        err=err,
    )
    then = f" && {result.next_step}" if result.next_step else ""
    click.echo(f"Next: cd {target}{then}   (see README.md)", err=err)
    signum = signals.take_pending()
    if signum is not None:
        raise Interrupted(signum, written=True, target=str(target))


@cli.command(cls=CatalogCommand, catalog_flags=_advice_flags, after=None)
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Replay the answers of a YAML file (the output of --json replays too).",
)
@click.option("--explain", is_flag=True, help="Show which answer led to which conclusion.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole advice as JSON.")
@click.option(
    "--generate",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Run `stackgen new` with the recommended stack into DIR, without asking.",
)
def advise(
    answers_file: Path | None,
    explain: bool,
    as_json: bool,
    generate: Path | None,
    **answers: Any,
) -> None:
    """Not sure what you need? Answer the guide's questions - does the app need a backend at
    all, would ready services do, which stack for a custom one - and get the `stackgen new`
    command for it, or the project itself."""
    from generator import advice_report, advisor
    from generator.advice import default_rules

    the_catalog = catalog()
    rules = default_rules()
    replay = advisor.read_answers_file(answers_file, rules) if answers_file else None
    interactive = _at_terminal()
    result = advisor.advise(
        rules,
        the_catalog,
        flags={qid.replace("_", "-"): value for qid, value in answers.items()},
        answers=replay,
        ask=(lambda q: _ask(q, err=as_json)) if interactive else None,
        sources={"answers": f"--answers {answers_file}"},
    )
    directory = str(generate) if generate is not None else advisor.DEFAULT_DIR
    if as_json:
        import json

        data = advice_report.to_dict(result, rules, the_catalog, directory)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        if interactive:
            click.echo()  # apart from the last prompt
        click.echo(
            advice_report.format_advice(result, rules, the_catalog, directory, explain=explain)
        )
    stack = result.stack
    if generate is not None:
        if stack is None:
            raise UsageError(
                f"--generate {generate}: there is no custom backend to generate; the advice: "
                + rules.outcomes[result.outcome]
            )
        advised = _advised_stack(stack, the_catalog, generate, change=False)
        _create(advised, the_catalog, generate, err=as_json)
        return
    if stack is None or not interactive or as_json:
        return
    click.echo()
    if not click.confirm("Generate this project now?", default=False):
        return
    target = Path(click.prompt("Directory", default=advisor.DEFAULT_DIR))
    change = click.confirm("Change any of the choices first?", default=False)
    _create(_advised_stack(stack, the_catalog, target, change=change), the_catalog, target)


def _ask(question: Question, *, err: bool) -> Any:
    """Ask one of the advisor's questions, with why we ask it and every answer's meaning."""
    click.echo(err=err)
    click.secho(question.ask, bold=True, err=err)
    click.echo(f"  Why we ask: {question.why}", err=err)
    for a in question.answers:
        click.echo(f"  {a.id:<14} {a.label}", err=err)
    if not question.many:
        return click.prompt(
            f"Your answer ({question.flag})",
            type=click.Choice(question.answer_ids),
            show_choices=False,
            err=err,
        )

    def several(text: str) -> list[str]:
        from generator.advisor import check_answer

        try:
            return list(check_answer(question, text.replace(",", " ").split(), question.flag))
        except StackgenError as exc:
            raise click.BadParameter(str(exc)) from exc

    return click.prompt(
        f"Your answers, separated by spaces ({question.flag})", value_proc=several, err=err
    )


def _advised_stack(stack: Stack, the_catalog: Catalog, target: Path, *, change: bool) -> Stack:
    """The advised stack, resolved as `stackgen new DIR --<choice> ...` resolves it; with
    ``change``, every choice is asked again with the advice as its default."""
    from generator.stack import resolve

    choices = {c.id: list(stack.all(c.id)) for c in the_catalog.choices}
    if not change:
        return resolve(the_catalog, flags=choices, default_name=target.name)

    def ask(field: str, choice: Choice | None, default: Any) -> Any:
        if choice is not None and stack[field] in choice.option_ids:
            default = choices[field] if choice.multiple else stack[field]
        return _prompt(field, choice, default)

    return resolve(the_catalog, flags={}, ask=ask, default_name=target.name)


PROJECT_DIR = click.Path(file_okay=False, exists=True, path_type=Path)
TEAM_PRESET = click.option(
    "--preset",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A team's preset file [default: $STACKGEN_PRESET, or ~/.config/stackgen/preset.yml].",
)


def _team(the_catalog: Catalog, preset: Path | None) -> OrgPreset | None:
    """The preset given; the default one applies only to projects generated with it."""
    from generator import presets

    return presets.load(preset, the_catalog) if preset else None


def _install_consent(source: str) -> bool:
    click.echo(
        "The templates changed since this project was rendered: its base needs the release "
        f"that rendered it,\n  {source}\ninstalled into stackgen's cache and run (its code "
        "runs on this machine)."
    )
    return click.confirm("Install and run it?", default=False)


@cli.command()
@click.argument("directory", default=".", type=PROJECT_DIR)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="CHOICE=VALUE",
    help="Change an answer (repeatable; several stores joined by +), e.g. --set api=graphql.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--force", is_flag=True, help="Start even with uncommitted changes in git.")
@click.option(
    "--recreate-deleted",
    is_flag=True,
    help="Write again the files you deleted (default: kept deleted).",
)
@click.option(
    "--base-from",
    metavar="REQUIREMENT",
    help="Install the release that rendered the project from here (default: its record).",
)
@TEAM_PRESET
def update(
    directory: Path,
    sets: tuple[str, ...],
    dry_run: bool,
    force: bool,
    recreate_deleted: bool,
    base_from: str | None,
    preset: Path | None,
) -> None:
    """Bring DIR (default: .) the current template, or other answers, merging your changes."""
    from generator import update as update_mod

    the_catalog = catalog()
    outcome = update_mod.update(
        directory,
        the_catalog,
        sets=update_mod.parse_sets(sets, the_catalog),
        dry_run=dry_run,
        force=force,
        recreate_deleted=recreate_deleted,
        base_from=base_from,
        team=_team(the_catalog, preset),
        confirm=_install_consent if _at_terminal() else None,
    )
    plan = outcome.plan
    click.echo(f"base: {outcome.base_from}")
    for change in plan.changes:
        click.echo(f"  {change.action:<13} {change.path}  ({change.reason})")
    if not plan.changes:
        click.echo("Nothing to change: the project is on the current template.")
    conflicts = plan.conflicts
    if dry_run:
        click.echo(f"{len(plan.changes)} changes (dry run: nothing written).")
    elif conflicts and not outcome.git:
        click.echo(
            f"Not a git work tree: nothing written, as {len(conflicts)} files would conflict; "
            "put the project under git (or resolve by hand) and run again.",
            err=True,
        )
    elif outcome.applied:
        click.echo(f"Updated {directory} ({len(plan.changes)} changes).")
    if conflicts:
        where = "marked in the files and in git's index" if outcome.git and not dry_run else ""
        click.echo(f"Conflicts {where}: {', '.join(conflicts)}".replace("  ", " "), err=True)
    # The project is updated and signals are held (update): one is reported after the summary.
    signum = signals.take_pending()
    if signum is not None:
        raise Interrupted(signum, written=True, target=str(directory))
    if conflicts:
        sys.exit(update_mod.CONFLICTS)


@cli.command()
@click.argument("directory", default=".", type=PROJECT_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@TEAM_PRESET
def check(directory: Path, as_json: bool, preset: Path | None) -> None:
    """Exit 0 if DIR (default: .) is on the current template; 1 if an update is available;
    3 if its recorded answers no longer hold; 4 if they break the team's preset."""
    from generator import update as update_mod

    the_catalog = catalog()
    status = update_mod.check(directory, the_catalog, _team(the_catalog, preset))
    if as_json:
        click.echo(status.as_json())
    else:
        click.echo(f"{status.status}: {status.message}")
    sys.exit(status.exit_code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
@click.option(
    "--preset",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Show what a team's preset file locks, allows and leaves open.",
)
def options(as_json: bool, preset: Path | None) -> None:
    """List every choice, its options and the combinations that are refused."""
    the_catalog = catalog()
    if preset is not None:
        from generator import presets

        team = presets.load(preset, the_catalog)
        click.echo(f"Preset {team.name} ({preset}):")
        for choice_id, what in presets.open_choices(team, the_catalog):
            click.echo(f"  {choice_id:<16} {what}")
        if team.files:
            click.echo(
                f"  files            {len(team.files)} of the team's own: "
                + ", ".join(sorted(team.files))
            )
        return
    if as_json:
        import json

        click.echo(json.dumps(the_catalog.to_dict(), indent=2))
        return
    click.echo(format_catalog(the_catalog))


def format_catalog(catalog: Catalog) -> str:
    lines: list[str] = []
    for c in catalog.choices:
        extra = " (repeatable: one primary store plus one secondary)" if c.multiple else ""
        lines.append(f"{c.label} ({c.flag}){extra}: {c.help}")
        for o in c.options:
            mark = "*" if o.id == c.default else " "
            role = f" [{o.role}]" if o.role else ""
            if o.secondary_beside:
                role = f" [{o.role}; secondary beside {', '.join(o.secondary_beside)}]"
            lines.append(f"  {mark} {o.id:<16} {o.label}{role} - {o.help}")
        lines.append("")
    lines.append("Refused combinations:")
    lines.extend(f"  - {r.id}: {r.reason} Instead: {r.instead}" for r in catalog.rules)
    if not catalog.rules:
        lines.append("  (none: every combination of the options above works)")
    lines.append("")
    lines.append("Presets (--preset):")
    lines.extend(f"  {p.id:<18} {p.help}" for p in catalog.presets)
    lines.append("\n* = default")
    return "\n".join(lines)


def interruption_message(exc: Interrupted) -> str:
    """What a signal left on disk, in one line."""
    name = signal.Signals(exc.signum).name
    if exc.written:
        return f"\nInterrupted ({name}) after {exc.target} was complete; it is kept."
    return f"\nInterrupted ({name}); nothing was written."


def main(argv: list[str] | None = None, *, final: bool = False) -> None:
    """Entry point: the one place errors become a message and an exit status. ``final``: the
    process ends with this call (the console script), so signals stay ignored after it."""
    signals.install()
    try:
        cli.main(args=argv, prog_name="stackgen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        signals.hold()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        signals.hold()
        cmd = exc.ctx.command_path if exc.ctx else "stackgen"
        click.echo(f"{cmd}: error: {exc.format_message()} (see '{cmd} --help')", err=True)
        sys.exit(2)
    except click.Abort:
        signals.hold()
        click.echo("\nAborted; nothing was written.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        signals.hold()
        click.echo("\nInterrupted; nothing was written.", err=True)
        sys.exit(130)
    except Interrupted as exc:
        signals.hold()
        click.echo(interruption_message(exc), err=True)
        sys.exit(128 + exc.signum)
    except StackgenError as exc:
        signals.hold()
        click.echo(f"stackgen: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        # A signal that arrived inside Python's own machinery comes out wrapped (a dataclass
        # being created while an import runs turns it into a RuntimeError): still the signal.
        interrupted = signals.wrapped(exc)
        if interrupted is None:
            raise
        signals.hold()
        click.echo(interruption_message(interrupted), err=True)
        sys.exit(128 + interrupted.signum)
    finally:
        if final:
            signals.ignore()
        else:
            signals.uninstall()
