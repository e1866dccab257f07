"""No personal data in a release unless asked; then only in its own file, marked as such."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDFS

from conftest import CLI

# An e-mail address as written in the open (a@b.fr) or as the Atlas hides it (a[at]b.fr).
EMAIL = re.compile(r"[\w.+-]+\s*(?:@|\[at\]|\(at\)|&#64;|%40)\s*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)


def contact_names(cli: CLI, tmp_path: Path) -> set[str]:
    """Full names, family names and e-mail addresses of the people in the personal store."""
    out = tmp_path / "personal.nq"
    assert cli("dump", "-f", "nquads", "--include-personal-data", "-o", out).code == 0
    found = set()
    for ln in out.read_text(encoding="utf-8").splitlines():
        m = re.match(r'<[^>]+> <http://schema\.org/(name|familyName|email)> "((?:[^"\\]|\\.)*)"', ln)
        if m and "/graph/personal/" in ln and len(m.group(2)) >= 3:
            found.add(m.group(2).removeprefix("mailto:"))
    return found


def holds(text: str, person: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(person) + r"(?!\w)", text, re.I) is not None


def texts(folder: Path, skip: str | None = None):
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != skip:
            data = p.read_bytes()
            if p.suffix == ".gz":
                data = gzip.decompress(data)
            yield p.name, data.decode("utf-8", errors="replace")


def test_the_seed_page_has_contacts_to_protect(seed_cli: CLI, tmp_path: Path):
    names = contact_names(seed_cli, tmp_path)
    assert any("COQUARD" in n.upper() for n in names), names
    assert any(EMAIL.search(n) for n in names), names


def test_no_personal_data_in_any_published_file(seed_cli: CLI, tmp_path: Path):
    names = contact_names(seed_cli, tmp_path)
    out = tmp_path / "out"
    assert seed_cli("publish", out, "-q").code == 0
    scanned = 0
    for name, text in texts(out):
        scanned += 1
        assert not EMAIL.search(text), (name, EMAIL.search(text).group(0))
        for person in names:
            assert not holds(text, person), (name, person)
        assert "coquard" not in text.lower() and "chouat" not in text.lower(), name
    assert scanned >= 10


def test_personal_data_only_when_asked_in_its_own_marked_file(seed_cli: CLI, tmp_path: Path):
    names = contact_names(seed_cli, tmp_path)
    out = tmp_path / "out"
    r = seed_cli("publish", out, "--include-personal-data")
    assert r.code == 0, r.err
    assert "PERSONAL" in r.out
    personal = out / "coopgraph-personal.nt.gz"
    text = gzip.decompress(personal.read_bytes()).decode("utf-8")
    assert "COQUARD" in text.upper()
    for name, other in texts(out, skip=personal.name):
        assert not EMAIL.search(other), name
        for person in names:
            assert not holds(other, person), (name, person)
    # the description marks it, and the open dumps stay open
    g = Graph().parse(out / "dataset.ttl", format="turtle")
    d = next(d for d in g.subjects(DCAT.downloadURL, None) if str(g.value(d, DCAT.downloadURL)).endswith(personal.name))
    titles = " ".join(str(t) for t in g.objects(d, DCTERMS.title))
    assert "PERSONAL DATA" in titles and "DONNÉES PERSONNELLES" in titles
    rights = g.value(d, DCTERMS.rights)
    assert "personal data" in " ".join(str(x) for x in g.objects(rights, RDFS.label)).lower()
    assert "personal data" in (out / "index.html").read_text(encoding="utf-8").lower()
    # A later release without the flag removes the earlier personal file from the folder.
    r = seed_cli("publish", out, "-q")
    assert r.code == 0 and not personal.exists()
    for name, other in texts(out):
        assert "coquard" not in other.lower(), name


@pytest.mark.parametrize("flag", [[], ["--include-personal-data"]])
def test_contract_greps(seed_cli: CLI, tmp_path: Path, flag):
    out = tmp_path / "out"
    assert seed_cli("publish", out, "-q", *flag).code == 0
    pattern = re.compile(r"coquard|@diplomatie|\[at\]diplomatie", re.I)
    hits = [name for name, text in texts(out) if pattern.search(text)]
    assert hits == ([] if not flag else ["coopgraph-personal.nt.gz"])
