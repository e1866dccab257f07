"""Files that are not Atlas pages, through the real CLI: one clear line each, exit code 1, no traceback.

Also a handful of mutated real pages through `coopgraph ingest` (the bulk of the mutation cases
call the parser in-process, in test_robust_parser.py).
"""

from __future__ import annotations

import os
import random

import pytest

from conftest import SEED  # the real page

NOT_PAGES = {
    "page.html": b"<!DOCTYPE html>\n<html><head><title>Atlas</title></head><body><p>Titre</p></body></html>\n",
    "fragment.html": b"<div class='atlas'>\n<p>Angoul\xc3\xaame</p>\n</div>\n" * 200,
    "doc.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 10,
    "binary.bin": bytes(random.Random(8).randrange(256) for _ in range(5000)),
    "elf.txt": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 2000,
    "empty.txt": b"",
    "blank.txt": b"\n \r\n\t\n",
    "utf16.txt": "Titre\nCoopération\n".encode("utf-16"),
    "readme.txt": b"This is not an Atlas page.\n" * 500,
    "data.xml": b"<?xml version='1.0'?>\n<rdf:RDF/>\n",
}


def _lines_about(err: str, name: str) -> list[str]:
    return [line for line in err.splitlines() if name in line and not line.startswith("Not loaded:")]


@pytest.mark.parametrize("name", sorted(NOT_PAGES))
def test_not_a_page_gets_one_clear_line(cli, tmp_path, name):
    f = tmp_path / name
    f.write_bytes(NOT_PAGES[name])
    r = cli("ingest", f)
    assert r.code == 1, r
    lines = _lines_about(r.err, name)
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"{f}: error: not an Atlas page: "), lines[0]
    assert "0 loaded" in r.out


def test_special_files_and_huge_file(cli, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block forever
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(65 * 1024 * 1024)  # sparse: costs no disk
    r = cli("ingest", fifo, "/dev/zero", huge, timeout=120)
    assert r.code == 1
    for name, what in (
        (str(fifo), "not a regular file"),
        ("/dev/zero", "not a regular file"),
        (str(huge), "larger than 64 MiB"),
    ):
        lines = _lines_about(r.err, name)
        assert len(lines) == 1 and what in lines[0], r.err


def test_folder_with_thousands_of_files(cli, tmp_path):
    other = tmp_path / "not-pages"
    other.mkdir()
    for i in range(3000):
        (other / f"scan-{i:04d}.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    r = cli("ingest", other)
    assert r.code == 1
    assert _lines_about(r.err, str(other)) == [f"{other}: error: no *.txt page in this folder"]

    texts = tmp_path / "texts"
    texts.mkdir()
    for i in range(2000):
        (texts / f"note-{i:04d}.txt").write_text(f"note {i}\nnot a page\n", encoding="utf-8")
    (texts / "good.txt").write_bytes(SEED.read_bytes())
    r = cli("ingest", texts, timeout=600)
    assert r.code == 1
    errors = [line for line in r.err.splitlines() if not line.startswith("Not loaded:")]
    # One line per file that is not a page, and the real page among them still loads.
    assert len([e for e in errors if "note-" in e]) == 2000, errors[:5]
    assert all(": error: not an Atlas page: no 'Titre' line" in e for e in errors if "note-" in e)
    assert "1 loaded" in r.out


def test_mutated_pages_through_the_cli(cli, tmp_path):
    """A handful of mutated real pages, in one folder: each loads or is reported, none crashes."""
    rnd = random.Random(2024)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    folder = tmp_path / "mutated"
    folder.mkdir()
    for n in range(25):
        m = list(lines)
        for _ in range(rnd.randint(1, 5)):
            i = rnd.randrange(len(m))
            op = rnd.choice(["drop", "dup", "swap", "cut", "bytes"])
            if op == "drop":
                del m[i]
            elif op == "dup":
                m.insert(i, m[i])
            elif op == "swap":
                j = rnd.randrange(len(m))
                m[i], m[j] = m[j], m[i]
            elif op == "cut":
                m[i] = m[i][: rnd.randrange(len(m[i]) + 1)]
            else:
                m[i] = bytes(rnd.randrange(256) for _ in range(20)).decode("latin-1")
        (folder / f"m{n:02d}.txt").write_text("\n".join(m), encoding="utf-8")
    r = cli("ingest", folder)
    assert r.code in (0, 1), r
    failed = set(r.err.split("Not loaded: ", 1)[1].strip().split(", ")) if "Not loaded: " in r.err else set()
    for f in failed:
        assert any(line.startswith(f + ":") and ": error: " in line for line in r.err.splitlines()), (f, r.err)
    stored = len(cli.rows("SELECT ?p WHERE { ?p a cg:Partnership }"))
    assert stored >= 1 and 25 - len(failed) >= stored
    # What was stored is valid for the read-only commands.
    assert cli("stats").code == 0
    assert cli("dump", "--format", "nquads").code == 0
