"""Helpers shared by the CLI modules: the --store option, opening the store, usage errors, and
the root group that turns every error a person can act on into a message (never a traceback)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from .api import Atlas
from .errors import CoopgraphError
from .store import ENV_VAR, Store, StoreError, default_path

STORE_HELP = f"Store folder (default: ${ENV_VAR}, else {default_path()})."


class UsageProblem(click.ClickException):
    exit_code = 2


class DataProblem(click.ClickException):
    exit_code = 1


class Range(click.FloatRange):
    """A float range that also refuses NaN (which compares false with every bound, so
    click.FloatRange lets it through) and infinity."""

    def convert(self, value, param, ctx):
        rv = super().convert(value, param, ctx)
        if rv != rv or rv in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return rv


class PathType(click.Path):
    """click.Path refusing an empty value: Path("") is the current folder, so `--store ""` or
    `ingest ""` would quietly use whatever folder the command runs in."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("an empty path names no file or folder.", param, ctx)
        return super().convert(value, param, ctx)


SECONDS_MAX = 86_400.0  # a day: beyond, a timeout overflows the platform's timers


RESULT_FORMAT_HELP = (
    "table: aligned columns for people; csv / tsv: a header row of the variable names, then "
    "plain values; json: SPARQL 1.1 JSON results."
)


def note_if_empty(rows: int | None, fmt: str) -> None:
    """csv, tsv and json hold no sentence: say on standard error that no row matched (the text
    table says "(0 rows)" itself), so that an empty file is not mistaken for a failure or a success."""
    if rows == 0 and fmt != "table":
        click.echo("(0 rows: nothing matched the query)", err=True)


def os_message(e: OSError) -> str:
    """'PATH: No such file or directory' (strerror, not the errno dump of str(e))."""
    what = e.strerror or str(e)
    return f"{e.filename}: {what}" if e.filename else what


class Group(click.Group):
    """The root command. A CoopgraphError or OSError that escapes a command becomes one line on
    standard error and exit code 2 (a usage error: a bad path, store, value); an EndpointError
    (a remote service failed) exit code 1. Commands may still catch them to word them better."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # `coopgraph ... | head`: the reader left. Stop quietly: standard output and error go to
            # /dev/null so that Python's complaints while shutting down are not shown either.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.exit(1)
        except CoopgraphError as e:
            raise face(e) from None
        except OSError as e:
            raise UsageProblem(os_message(e)) from None


@contextmanager
def opened(store_path: Path | None, *, read_only: bool):
    try:
        store = Store(store_path, read_only=read_only, on_wait=lambda message: click.echo(message, err=True))
    except StoreError as e:
        raise UsageProblem(str(e)) from None
    try:
        yield store
    finally:
        store.close()


def endpoint_options(f):
    """--endpoint URL and --timeout: run on a remote SPARQL 1.1 endpoint (`query` and `sparql`)."""
    f = click.option(
        "--timeout",
        type=Range(min=1, max=SECONDS_MAX),
        default=60,
        show_default=True,
        help="Seconds to wait for the remote endpoint.",
    )(f)
    return click.option(
        "--endpoint",
        metavar="URL",
        help="Run on this remote SPARQL 1.1 endpoint instead of the store. Credentials only from "
        "$COOPGRAPH_ENDPOINT_USER/$COOPGRAPH_ENDPOINT_PASSWORD or a netrc file.",
    )(f)


def store_option(f):
    return click.option("--store", "store_path", type=PathType(path_type=Path), envvar=ENV_VAR, help=STORE_HELP)(f)


def open_output(path: Path | None) -> Any:
    """The file to write (binary), or standard output."""
    if not path:
        get: Any = click.get_binary_stream  # typed as deprecated by click 8.5, like get_text_stream
        return get("stdout")
    try:
        return open(path, "wb")
    except OSError as e:
        raise UsageProblem(f"cannot write {path}: {e.strerror or e}") from None


Failed = DataProblem  # what was asked was fine, but the data or a remote service failed: exit 1


def face(e: CoopgraphError) -> click.ClickException:
    """The command-line form of a core error: exit 2 for what the person must change, 1 otherwise."""
    if e.exit_code == 2:
        return UsageProblem(str(e))
    return Failed(str(e))


@contextmanager
def atlas_opened(store_path: Path | None, *, read_only: bool) -> Iterator[Atlas]:
    """The store as a coopgraph.api.Atlas; a store that cannot be opened is a usage error."""
    try:
        atlas = Atlas(store_path, read_only=read_only, on_wait=lambda message: click.echo(message, err=True))
    except StoreError as e:
        raise UsageProblem(str(e)) from None
    try:
        yield atlas
    finally:
        atlas.close()


def stdout() -> TextIO:
    """Standard output as click writes text to it (the right encoding, whatever the terminal)."""
    get: Any = click.get_text_stream  # deprecated in click 8.5 and typed as such; same behaviour
    return get("stdout")
