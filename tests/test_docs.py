"""The documentation cannot drift from the code: docs/cli.md is what scripts/cli_reference.py
writes from the installed command's --help, and docs/example.md's Python blocks run."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys

from conftest import REPO, SEED

DOCS = REPO / "docs"


def test_cli_reference_is_up_to_date():
    p = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "cli_reference.py")], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert "## coopgraph query" in p.stdout and "--allow-update" in p.stdout
    assert p.stdout == (DOCS / "cli.md").read_text(encoding="utf-8"), (
        "docs/cli.md is out of date: run 'make cli-reference' (python scripts/cli_reference.py > docs/cli.md)"
    )


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.S | re.M)


def test_the_worked_example_runs(tmp_path):
    blocks = _python_blocks((DOCS / "example.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    (tmp_path / "pages").mkdir()
    shutil.copy(SEED, tmp_path / "pages")
    namespace: dict = {"__name__": "__example__"}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            for i, block in enumerate(blocks):
                exec(compile(block, f"docs/example.md block {i + 1}", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    printed = out.getvalue()
    assert "Coopération décentralisée Angoulême – Ségou 2020-2021" in printed
    assert "unknown country 'Atlantis'" in printed
    assert (tmp_path / "release" / "coopgraph.nt.gz").exists()


def test_the_api_page_documents_every_exported_module():
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    import coopgraph

    for name in ("open", "Atlas", "Rows", "Remote", "validate_files", "show_query", "list_queries", "remote"):
        assert name in coopgraph.__all__ and f"coopgraph.api.{name}" in text, name
    assert "::: coopgraph.errors" in text


def test_every_command_and_option_the_readme_shows_exists():
    import click

    from coopgraph.cli import main

    text = (REPO / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```.*?\n(.*?)```", text, flags=re.S) + re.findall(r"`([^`\n]+)`", text)
    seen, wrong = 0, []
    for chunk in code:
        for line in chunk.splitlines():
            for m in re.finditer(r"(?<![\w./-])coopgraph ([a-z][a-z-]*)([^|#;&]*)", line):
                cmd, rest = main.commands.get(m.group(1)), m.group(2)
                seen += 1
                if cmd is None:
                    wrong.append(f"no command {m.group(1)!r}: {line.strip()}")
                    continue
                words = rest.split()
                if isinstance(cmd, click.Group) and words and words[0] in cmd.commands:
                    cmd = cmd.commands[words[0]]  # a sub-command: `coopgraph export iati --flag`
                opts = {o for p in cmd.params for o in [*p.opts, *p.secondary_opts]} | {"--help", "-h"}
                wrong += [
                    f"coopgraph {m.group(1)} has no {o}: {line.strip()}"
                    for o in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest)
                    if o not in opts
                ]
    assert seen >= 20, "the README's command lines were not found"
    assert not wrong, "\n".join(wrong)
