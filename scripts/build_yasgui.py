#!/usr/bin/env python3
"""Fetch the YASGUI query editor from the npm registry and copy the files the server needs into
src/coopgraph/server/static/yasgui/ (served from the package: no CDN at run time).

    python scripts/build_yasgui.py          # needs npm; rewrites the folder

Only the minified bundle and its stylesheet are kept, with the package's licence and a note of
where they came from (name, version, npm integrity, SHA-256 of each file).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
FILES = ["build/yasgui.min.js", "build/yasgui.min.css"]
OUT = Path(__file__).resolve().parent.parent / "src" / "coopgraph" / "server" / "static" / "yasgui"

# The npm package declares "license": "MIT" in package.json but ships no licence file.
MIT = """MIT License

Copyright (c) Triply B.V. and Zazuko GmbH (authors of YASGUI; @zazuko/yasgui {version},
{homepage}, "license": "MIT" in its package.json)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def main() -> int:
    if not shutil.which("npm"):
        print("npm is needed (Node.js): https://nodejs.org", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--json", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp,
        )
        info = json.loads(out.stdout)[0]
        with tarfile.open(Path(tmp) / info["filename"]) as tar:
            tar.extractall(tmp, filter="data")
        pkg = Path(tmp) / "package"
        meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
        assert meta["version"] == VERSION and meta["license"] == "MIT", meta.get("license")
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir(parents=True)
        sums = []
        for f in FILES:
            data = (pkg / f).read_bytes()
            (OUT / Path(f).name).write_bytes(data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {Path(f).name}")
        (OUT / "LICENSE").write_text(MIT.format(version=VERSION, homepage=meta.get("homepage", "")), encoding="utf-8")
        (OUT / "SOURCE.md").write_text(
            f"# YASGUI (query editor)\n\nFrom the npm package `{PACKAGE}` {VERSION} ({meta.get('homepage', '')}), "
            f"licence {meta['license']} (see LICENSE).\nnpm integrity: `{info['integrity']}`\n\n"
            f"Copied by `scripts/build_yasgui.py`: {', '.join(FILES)}.\n\nSHA-256:\n\n```\n"
            + "\n".join(sums)
            + "\n```\n",
            encoding="utf-8",
        )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
