"""The fitting script's reader of ReLocaR's XML (benchmarks/fit_roles.py), on samples written here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from fit_roles import read_relocar

_XML = """<?xml version="1.0" encoding="UTF-8"?>
<data>
<sample number="1"> <loc reading="met">Ruritania</loc> recalled its ambassador on Monday.</sample>
<sample number="2">Floods hit the north of <loc reading="lit">Ruritania</loc> &amp; its neighbours.</sample>
<sample number="3">The <loc reading="mixed">Ruritania</loc> case is both.</sample>
<sample number="4">No place is marked here.</sample>
</data>
"""


def test_read_relocar_keeps_literal_and_metonymic_with_offsets(tmp_path: Path) -> None:
    path = tmp_path / "relocar.xml"
    path.write_text(_XML, encoding="utf-8")
    rows = read_relocar(path)
    # "mixed" is left out, as the paper does, and so is a sample without a marked name
    assert [(text[start:end], metonymic) for text, start, end, metonymic in rows] == [
        ("Ruritania", True),
        ("Ruritania", False),
    ]
    first, second = rows
    assert first[0] == "Ruritania recalled its ambassador on Monday."  # leading space stripped, offsets moved
    assert first[1] == 0
    assert second[0].endswith("Ruritania & its neighbours.")  # entities unescaped before offsets are taken
