"""Helpers shared by the CLI modules: the --store option, opening the store, usage errors."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from .store import ENV_VAR, Store, StoreError, default_path

STORE_HELP = f"Store folder (default: ${ENV_VAR}, else {default_path()})."


class UsageProblem(click.ClickException):
    exit_code = 2


@contextmanager
def opened(store_path: Path | None, *, read_only: bool):
    try:
        store = Store(store_path, read_only=read_only)
    except StoreError as e:
        raise UsageProblem(str(e)) from None
    try:
        yield store
    finally:
        store.close()


def store_option(f):
    return click.option("--store", "store_path", type=click.Path(path_type=Path), envvar=ENV_VAR,
                        help=STORE_HELP)(f)


def open_output(path: Path | None):
    return click.open_file(str(path), "wb") if path else click.get_binary_stream("stdout")


