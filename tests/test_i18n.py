"""Every user-visible string is translatable, and translated into Chinese."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def extracted_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract",
         "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "--ignore-dirs", ".venv tests bench", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path):
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(extracted_ids(tmp_path) - set(translated))
    assert missing == [], f"untranslated (run scripts/i18n.sh, then translate): {missing[:10]}"


def test_translations_keep_their_placeholders():
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    broken = [m.id for m in catalog if m.id and m.string
              and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))]
    assert broken == []
