"""The `schemeops` command."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

import typer
from typer.core import TyperCommand, TyperGroup

from schemeops.cancel import EXIT_CANCELLED, MESSAGE, is_cancel, sigterm_as_interrupt
from schemeops.cli.failures import explain
from schemeops.errors import SchemeopsError, UsageError

#: Each command's module and function (or Typer, for a group), in the order help lists them.
_COMMANDS = {
    "schema": ("schema_cmd", "schema"),
    "generate": ("generate_cmd", "generate_command"),
    "load": ("load_cmd", "load_command"),
    "lake": ("lake_cmd", "lake_app"),
    "demo": ("demo_cmd", "demo_command"),
    "check": ("check_cmd", "check_command"),
    "calc": ("calc_cmd", "calc_command"),
    "explain": ("explain_cmd", "explain_command"),
    "effect": ("effect_cmd", "effect_command"),
    "forecast": ("forecast_cmd", "forecast_command"),
    "detect": ("detect_cmd", "detect_command"),
    "guards": ("guards_cmd", "guards_command"),
    "fingerprint": ("fingerprint_cmd", "fingerprint_command"),
    "serve": ("serve_cmd", "serve_command"),
    "bench": ("bench_cmd", "bench_app"),
    "programs": ("programs_cmd", "programs_app"),
    "users": ("users_cmd", "users_app"),
    "audit": ("audit_cmd", "audit_app"),
    "erp": ("erp_cmd", "erp_app"),
    "events": ("events_cmd", "events_app"),
    "jobs": ("jobs_cmd", "jobs_app"),
}


class _LazyCommands(Mapping[str, TyperCommand | TyperGroup]):
    """The commands by name, each module imported only when its command is looked up (so
    that `calc` starts without the web app's or the loader's imports)."""

    def __init__(self) -> None:
        self._built: dict[str, TyperCommand | TyperGroup] = {}

    def __getitem__(self, name: str) -> TyperCommand | TyperGroup:
        if name not in self._built:
            module, attr = _COMMANDS[name]
            target = getattr(import_module(f"schemeops.cli.{module}"), attr)
            holder = typer.Typer(add_completion=False)  # a group, as `app` is, to build it in
            holder.callback()(_main)
            if isinstance(target, typer.Typer):
                holder.add_typer(target, name=name)
            else:
                holder.command(name)(target)
            self._built[name] = typer.main.get_command(holder).commands[name]
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_COMMANDS)

    def __len__(self) -> int:
        return len(_COMMANDS)


class _LazyGroup(TyperGroup):
    """The top-level group over `_LazyCommands`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands()

    def invoke(self, ctx: typer.Context) -> object:
        """Run the command; an error of ours is one line on stderr, not a traceback (exit 2
        for a usage error, else 1); Ctrl-C or SIGTERM cancels it (exit 130)."""
        try:
            with sigterm_as_interrupt():
                return super().invoke(ctx)
        except SchemeopsError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2 if isinstance(e, UsageError) else 1) from None
        except (KeyboardInterrupt, RuntimeError) as e:
            if not is_cancel(e):
                raise
            typer.echo(MESSAGE, err=True)
            raise typer.Exit(EXIT_CANCELLED) from None
        except Exception as e:
            if (line := explain(e)) is None:
                raise
            typer.echo(f"error: {line}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="schemeops",
    cls=_LazyGroup,
    help="Design, simulate, run, pay and audit incentive programs for a distribution network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    """Design, simulate, run, pay and audit incentive programs for a distribution network."""
