#!/usr/bin/env python3
"""Extract the IATI 2.03 activity schema and the codelists `coopgraph export iati` needs into
src/coopgraph/data/iati-2.03/.

The IATI Standard 2.03 XML schemas and codelists ship in the pyIATI 0.4.1 source distribution on
PyPI. This script downloads that sdist with pip (from whatever index pip is configured with),
checks its SHA-256, and copies out only what the export writes or checks:

    python scripts/build_iati.py [--sdist PATH/TO/pyIATI-0.4.1.tar.gz]

- schemas/: iati-activities-schema.xsd, iati-common.xsd (included by it) and xml.xsd (imported
  by both, for xml:lang), byte for byte;
- codelists/: the 2.03 codelists the export uses, byte for byte, except TagVocabulary (below).

TagVocabulary is a *non-embedded* codelist (IATI changes it without a new version of the
Standard). pyIATI 0.4.1's copy (2018) lists only 1 (Agrovoc) and 99 (Reporting Organisation);
the UN SDG vocabularies 2 (goals) and 3 (targets) were added to it later. The script adds those
two items, worded as IATI-Codelists-NonEmbedded publishes them (xml/TagVocabulary.xml), and says
so in the file. The SDG codes themselves are checked against the UN SDG KOS the package already
ships (data/sdg-kos.ttl), which is where IATI's UNSDG-Goals/UNSDG-Targets codelists come from.
DAC sector codes are checked against data/dac-sectors.tsv (the current Sector and SectorCategory
codelists, see data/README.md), not against pyIATI's older copies.

Standard library only; deterministic (a rebuild gives an empty git diff).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "coopgraph" / "data" / "iati-2.03"

SDIST = "pyIATI-0.4.1.tar.gz"
SDIST_SHA256 = "b6f8f0d596746bd774ed3e84cdad50dfa7dd501ac70e6399f2bb0244bfd5b0ef"
ROOT = "pyIATI-0.4.1/iati/resources/standard/2-03/"

SCHEMAS = ["iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"]
CODELISTS = [
    "ActivityDateType",
    "ActivityStatus",
    "ContactType",
    "Country",
    "Currency",
    "DescriptionType",
    "GeographicExactness",
    "GeographicLocationClass",
    "GeographicLocationReach",
    "GeographicVocabulary",
    "Language",
    "OrganisationRegistrationAgency",
    "OrganisationRole",
    "OrganisationType",
    "SectorVocabulary",
    "TagVocabulary",
    "TransactionType",
    "Version",
]

# The two items of the current non-embedded TagVocabulary codelist that pyIATI 0.4.1 predates.
SDG_TAG_ITEMS = """\
    <!-- Added by coopgraph's scripts/build_iati.py: items 2 and 3 as published in
         IATI-Codelists-NonEmbedded xml/TagVocabulary.xml (CC BY 4.0, IATI Standard,
         http://iatistandard.org/); pyIATI 0.4.1's copy of this non-embedded codelist predates them. -->
    <codelist-item>
      <code>2</code>
      <name>
        <narrative>UN Sustainable Development Goals (SDG)</narrative>
      </name>
      <description>
        <narrative>A value from the top-level list of UN sustainable development goals (SDGs) (e.g. ‘1’)</narrative>
      </description>
      <url>http://reference.iatistandard.org/codelists/UNSDG-Goals/</url>
    </codelist-item>
    <codelist-item>
      <code>3</code>
      <name>
        <narrative>UN Sustainable Development Goals (SDG) Targets</narrative>
      </name>
      <description>
        <narrative>A value from the second-level list of UN sustainable development goals (SDGs) (e.g. ‘1.1’)</narrative>
      </description>
      <url>http://reference.iatistandard.org/codelists/UNSDG-Targets/</url>
    </codelist-item>
"""

README = """\
# IATI Standard 2.03: activity schema and codelists

Read at run time by `coopgraph export iati` (and by the tests that validate its output).
Rebuilt by `python scripts/build_iati.py`, which downloads the pyIATI 0.4.1 source distribution
from PyPI (`pip download --no-deps --no-binary :all: pyiati==0.4.1`), checks its SHA-256
(`{sha}`) and copies these files out of `iati/resources/standard/2-03/`:

| file | what |
|---|---|
| `schemas/iati-activities-schema.xsd` | IATI Activity-Information Schema, release 2.03 (2018-02-19) |
| `schemas/iati-common.xsd` | elements shared by the activity and organisation schemas (included by the above) |
| `schemas/xml.xsd` | the W3C schema of the `xml:` namespace (`xml:lang`), imported by both |
| `codelists/*.xml` | the 2.03 codelists: {codelists} |

All files are copied byte for byte, except `codelists/TagVocabulary.xml`: a non-embedded codelist
that IATI has extended since 2018. The script adds its items 2 (UN SDG goals) and 3 (UN SDG targets)
as IATI-Codelists-NonEmbedded publishes them; the addition is marked by a comment in the file.
SDG codes are checked against `../sdg-kos.ttl`, DAC sector codes against `../dac-sectors.tsv`.

Licences: the IATI Standard (schemas, codelists): CC BY 4.0, "IATI Standard
(http://iatistandard.org/)", see `../LICENSE-iati`; pyIATI, the package they were taken from: MIT
License (IATI Technical Team and other authors, http://iatistandard.org/); `xml.xsd`: W3C
(https://www.w3.org/XML/1998/namespace), W3C Software and Document licence.
"""


def download(dest: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "pyiati==0.4.1",
        "-d",
        str(dest),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    found = sorted(dest.glob("pyIATI-0.4.1.tar.gz")) or sorted(dest.glob("*.tar.gz"))
    if not found:
        raise SystemExit(f"build_iati: pip did not download {SDIST} into {dest}")
    return found[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sdist", type=Path, help=f"use this {SDIST} instead of downloading it")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        sdist = a.sdist or download(Path(tmp))
        digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
        if digest != SDIST_SHA256:
            raise SystemExit(f"build_iati: {sdist} has SHA-256 {digest}, expected {SDIST_SHA256}")
        with tarfile.open(sdist, "r:gz") as tar:

            def member(path: str) -> bytes:
                f = tar.extractfile(ROOT + path)
                if f is None:
                    raise SystemExit(f"build_iati: {ROOT + path} is missing from {sdist}")
                return f.read()

            (OUT / "schemas").mkdir(parents=True, exist_ok=True)
            (OUT / "codelists").mkdir(parents=True, exist_ok=True)
            for name in SCHEMAS:
                (OUT / "schemas" / name).write_bytes(member("schemas/" + name))
            for name in CODELISTS:
                data = member(f"codelists/{name}.xml")
                if name == "TagVocabulary":
                    text = data.decode("utf-8")
                    if "<code>2</code>" not in text:
                        at = text.index("    <codelist-item>\n      <code>99</code>")
                        text = text[:at] + SDG_TAG_ITEMS + text[at:]
                    data = text.encode("utf-8")
                (OUT / "codelists" / f"{name}.xml").write_bytes(data)
    (OUT / "README.md").write_text(README.format(sha=SDIST_SHA256, codelists=", ".join(CODELISTS)), encoding="utf-8")
    print(f"wrote {len(SCHEMAS)} schemas and {len(CODELISTS)} codelists to {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
