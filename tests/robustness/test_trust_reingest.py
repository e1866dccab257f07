"""A new version of a page never loses stored data silently (issue #12, case 2).

A page cut short is an error (file, line, what was expected), not a new version; a legitimate new
version replaces the stored one and ingest says what it changed; one that loses most of the
partnership is refused unless --force. All through the installed CLI, on the real page.
"""

from __future__ import annotations

from conftest import CLI, SEED

COUNT_ROWS = "SELECT (COUNT(?f) AS ?n) WHERE { ?f a cg:Funding }"
TOTAL = "SELECT (SUM(?a) AS ?t) WHERE { ?f a cg:Funding ; schema:amount ?a }"
LINES = SEED.read_text(encoding="utf-8").split("\n")


def write(tmp_path, name: str, lines: list[str]):
    p = tmp_path / name
    p.write_text("\n".join(lines), encoding="utf-8")
    return p


def figures(cli: CLI) -> tuple[int, float]:
    return int(cli.rows(COUNT_ROWS)[0]["n"]), float(cli.rows(TOTAL)[0]["t"])


def test_truncated_page_is_an_error_and_the_stored_version_stays(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    assert figures(cli) == (15, 137988)
    cut = write(tmp_path, "t.txt", LINES[:129])  # `head -n 129`: stops inside the funding table
    r = cli("ingest", cut)
    assert r.code == 1
    assert "t.txt:129: error: incomplete page" in r.err
    assert "Volontaires impliqués dans le partenariat" in r.err and "Not loaded: " in r.err
    assert figures(cli) == (15, 137988)


def test_page_cut_inside_the_last_header_is_an_error(cli, tmp_path):
    last = max(i for i, x in enumerate(LINES) if x.startswith("Volontaires"))
    r = cli("ingest", write(tmp_path, "t.txt", LINES[: last + 2]))  # label and header row, no '---|'
    assert r.code == 1 and "incomplete page" in r.err and "'---|'" in r.err
    assert cli("stats", "--format", "csv").out.splitlines()[1].startswith("0,")


def test_truncated_page_alone_is_an_error_too(cli, tmp_path):
    r = cli("ingest", write(tmp_path, "t.txt", LINES[:60]))
    assert r.code == 1 and "incomplete page" in r.err


def test_a_new_version_says_what_changed(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    new = [x for x in LINES if not x.startswith(("Musiques Métisses", "Maison des Peuples"))]
    new = [
        x.replace("Angoulême | 4500 | 4165 | 0 | 2890 | 2021 |", "Angoulême | 5000 | 4165 | 0 | 2890 | 2021 |")
        for x in new
    ]
    r = cli("ingest", write(tmp_path, "v2.txt", new))
    assert r.code == 0, r.err
    assert "v2.txt: replaced the stored version of 'Coopération décentralisée Angoulême – Ségou 2020-2021'" in r.err
    assert "funding rows 15 → 12, total 137 988 € → 138 088 €" in r.err
    assert "funders 9 → 7 (removed: Maison des Peuples et de la Paix, Musiques Métisses)" in r.err
    assert figures(cli) == (12, 138088)
    # Ingesting the same bytes again changes nothing and reports no replacement.
    r = cli("ingest", tmp_path / "v2.txt")
    assert r.code == 0 and "replaced" not in r.err and "1 unchanged" in r.out
    # --quiet still says that something was replaced.
    r = cli("ingest", "--quiet", SEED)
    assert r.code == 0 and "1 stored partnership(s) replaced" in r.err


def test_a_version_losing_most_of_the_partnership_needs_force(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    # A complete page (it ends with the volunteers table) whose funding table lost 13 of 15 rows.
    funding = LINES.index("Financement du partenariat")
    keep = [x for i, x in enumerate(LINES) if not (funding + 3 <= i < funding + 16)]
    page = write(tmp_path, "thin.txt", keep)
    r = cli("ingest", page)
    assert r.code == 1
    assert "thin.txt: error: refused: this page would replace the stored version" in r.err
    assert "funding rows 15 → 2" in r.err and "--force" in r.err and "the stored version is kept" in r.err
    assert figures(cli)[0] == 15
    r = cli("ingest", "--force", page)
    assert r.code == 0, r.err
    assert "thin.txt: replaced the stored version" in r.err and "funding rows 15 → 2" in r.err
    assert figures(cli)[0] == 2
