"""Write the CLI reference (docs/cli.md) from the installed command's --help.

    python scripts/cli_reference.py > docs/cli.md      # or: make cli-reference

tests/test_docs.py runs this and fails when docs/cli.md differs, so the reference cannot drift
from the code. The help is rendered by click itself, at a fixed width, for every command.
"""

from __future__ import annotations

import os
import sys

import click

# The help names the default store folder: show it as a reader's would be, not this machine's.
os.environ.pop("COOPGRAPH_STORE", None)
os.environ["XDG_DATA_HOME"] = "~/.local/share"

from coopgraph.cli import main  # noqa: E402  (after the environment is set)

WIDTH = 100


def _help(cmd: click.Command, name: str, parent: click.Context | None) -> str:
    ctx = click.Context(
        cmd,
        info_name=name,
        parent=parent,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        help_option_names=["-h", "--help"],
    )
    return cmd.get_help(ctx)


def reference() -> str:
    out = [
        "# Command-line reference",
        "",
        "Generated from `coopgraph --help` by `scripts/cli_reference.py` (`make cli-reference`);",
        "`tests/test_docs.py` fails when this page is out of date. Every command is a thin face over",
        "the [Python API](api.md).",
        "",
        "## coopgraph",
        "",
        "```text",
        _help(main, "coopgraph", None),
        "```",
        "",
    ]
    root = click.Context(
        main, info_name="coopgraph", terminal_width=WIDTH, max_content_width=WIDTH, help_option_names=["-h", "--help"]
    )
    out += _commands(main, root, "coopgraph")
    return "\n".join(out)


def _commands(group: click.Group, ctx: click.Context, path: str) -> list[str]:
    """Each command of `group`, and of its sub-groups, in alphabetical order."""
    out: list[str] = []
    for name in sorted(group.list_commands(ctx)):
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        out += [f"## {path} {name}", "", "```text", _help(cmd, name, ctx), "```", ""]
        if isinstance(cmd, click.Group):
            sub = click.Context(
                cmd,
                info_name=name,
                parent=ctx,
                terminal_width=WIDTH,
                max_content_width=WIDTH,
                help_option_names=["-h", "--help"],
            )
            out += _commands(cmd, sub, f"{path} {name}")
    return out


if __name__ == "__main__":
    sys.stdout.write(reference())
