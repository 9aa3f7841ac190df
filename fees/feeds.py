"""Atom feeds (RFC 4287) of publications and withdrawals, and the one sentence that
summarises what a publication changed (shared by the feeds and the /changes page).

Identifiers are tag URIs (RFC 4151) built from the site's host name and the publication
log's sequence number, so an entry keeps its id across requests, languages and feeds
(the same entry in the site feed and an entity's feed is the same entry).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fees.history import PublicationSummary
from fees.views.helpers import bilingual, label, money, pct

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TAG_DATE = "2025"  # the date in every tag URI: must never change, or every id would
ENTRY_LIMIT = 50
# Characters XML 1.0 cannot carry at all (not even escaped); a publisher's note could hold one.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
COUNT_WORDS = {
    "increase": _l("increases: %(n)s"),
    "reduction": _l("reductions: %(n)s"),
    "addition": _l("additions: %(n)s"),
    "deletion": _l("deletions: %(n)s"),
    "wording": _l("wording changes: %(n)s"),
    "other": _l("other changes: %(n)s"),
}


def rfc3339(moment: datetime) -> str:
    """An instant as RFC 3339 in UTC, to the second (`2025-03-01T02:00:00Z`)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_uri(host: str, specific: str) -> str:
    """A tag URI (RFC 4151) under the site's host name (the port number dropped: the
    tag grammar allows a DNS name only)."""
    authority = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return f"tag:{authority.strip('[]').lower()},{TAG_DATE}:{specific}"


def fee_label(row: dict) -> str:
    """A fee as readers name it: code, container, direction (unless both), cargo class."""
    parts = [row["code"], row["container"] or None,
             label("DIRECTIONS", row["direction"]) if row["direction"] != "both" else None,
             label("CARGO_CLASSES", row["cargo_class"]) if row["cargo_class"] else None]
    return " ".join(p for p in parts if p)


def summary_text(summary: PublicationSummary, previous_number: int | None) -> str:
    """What a version changed, in one sentence in the reader's language."""
    counts = summary.counts
    if previous_number is None:
        parts = [_("first version; items: %(n)s", n=counts["addition"])]
    else:
        parts = [str(COUNT_WORDS[kind]) % {"n": counts[kind]} for kind in COUNT_WORDS if counts[kind]]
        if not parts:
            parts = [_("no item changed")]
    line = summary.largest_increase
    if line is not None:
        old, new = money(line.old_amount, line.old["currency"]), money(line.new_amount, line.new["currency"])
        if line.amount_change_pct is not None:
            parts.append(_("largest increase: %(fee)s %(old)s → %(new)s (%(pct)s)", fee=fee_label(line.row),
                           old=old, new=new, pct=pct(line.amount_change_pct)))
        else:
            parts.append(_("largest increase: %(fee)s %(old)s → %(new)s", fee=fee_label(line.row), old=old, new=new))
    text = _("; ").join(parts)
    return text[:1].upper() + text[1:]  # a sentence, though its first part may be a lower-case label


def entry_title(row) -> str:
    """"<entity> <schedule> version N published" (or withdrawn)."""
    names = {"entity": bilingual(row.entity), "schedule": bilingual(row.schedule), "n": row.version.number}
    if row.entry.action == "withdraw":
        return _("%(entity)s %(schedule)s version %(n)s withdrawn", **names)
    return _("%(entity)s %(schedule)s version %(n)s published", **names)


def entry_text(row) -> str:
    """The entry's text: what changed, when it takes effect, notice, the publisher's words."""
    version = row.version
    lines = []
    if row.entry.action == "withdraw":
        lines.append(_("Withdrawn before taking effect on %(d)s. Reason: %(reason)s",
                       d=version.effective_from.isoformat(), reason=version.withdraw_reason))
        lines.append(_("The withdrawn version would have changed: %(summary)s",
                       summary=summary_text(row.summary, row.previous_number)))
    else:
        lines.append(_("Effective from %(d)s.", d=version.effective_from.isoformat()))
        lines.append(summary_text(row.summary, row.previous_number))
        if version.short_notice:
            lines.append(_("Short notice: an increase was published with less notice than required."))
    if version.change_note:
        lines.append(_("Change note: %(note)s", note=version.change_note))
    return "\n".join(lines)


@dataclass(frozen=True)
class Entry:
    """One Atom entry, as plain values."""

    id: str
    title: str
    updated: datetime
    published: datetime
    link: str
    author: str
    category: str
    text: str


@dataclass(frozen=True)
class Feed:
    """An Atom feed, as plain values (entries newest first)."""

    id: str
    title: str
    subtitle: str
    self_url: str
    alternate_url: str
    author: str
    lang: str
    updated: datetime  # used when there is no entry; otherwise the newest entry's
    entries: list[Entry]


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    """Append an Atom element holding text."""
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    element.text = NOT_XML.sub("", text)
    return element


def render(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document (UTF-8, with the XML declaration)."""
    ET.register_namespace("", ATOM_NS)
    root = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: feed.lang})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "subtitle", feed.subtitle)
    updated = max((e.updated for e in feed.entries), default=feed.updated)
    _text(root, "updated", rfc3339(updated))
    ET.SubElement(root, f"{{{ATOM_NS}}}link", {"rel": "self", "type": "application/atom+xml", "href": feed.self_url})
    ET.SubElement(root, f"{{{ATOM_NS}}}link", {"rel": "alternate", "type": "text/html", "href": feed.alternate_url})
    _text(ET.SubElement(root, f"{{{ATOM_NS}}}author"), "name", feed.author)
    for entry in feed.entries:
        element = ET.SubElement(root, f"{{{ATOM_NS}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", rfc3339(entry.updated))
        _text(element, "published", rfc3339(entry.published))
        ET.SubElement(element, f"{{{ATOM_NS}}}link", {"rel": "alternate", "type": "text/html", "href": entry.link})
        _text(ET.SubElement(element, f"{{{ATOM_NS}}}author"), "name", entry.author)
        ET.SubElement(element, f"{{{ATOM_NS}}}category", {"term": entry.category})
        _text(element, "summary", entry.text, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
