"""Fill empty entries of the Chinese catalogue from a Python dict {msgid: msgstr}.

Usage: .venv/bin/python scripts/fill_translations.py FILE.py  (FILE defines T = {...})
Keeps existing translations; reports msgids still empty afterwards.
"""
import runpy
import sys

from babel.messages.pofile import read_po, write_po

PO = "translations/zh/LC_MESSAGES/messages.po"
table = runpy.run_path(sys.argv[1])["T"]
with open(PO, "rb") as fh:
    catalog = read_po(fh)
for message in catalog:
    if message.id and not message.string and message.id in table:
        message.string = table[message.id]
with open(PO, "wb") as fh:
    write_po(fh, catalog, sort_output=True, omit_header=False, width=100)
missing = [m.id for m in catalog if m.id and not m.string]
print(f"{len(missing)} still untranslated")
for m in missing:
    print(repr(m))
