"""Formatting and links for pages of many rows (/compare, /estimate, their API twins).

A comparison or an estimate at national scale shows hundreds of rows that repeat a few
amounts, labels and currencies, and every formatting call goes through Flask-Babel
(finding the request's locale, then babel's number patterns): tens of microseconds each,
most of a page's rendering time. The functions here are the site's own filters and
globals (fees.views.helpers), remembered per value for the life of one page; and
url_for for links to hundreds of entities and versions, built once per page.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import url_for

from fees.views.helpers import label, money, signed_money

# What a URL carries as it is (RFC 3986's unreserved characters): slugs, numbers.
AS_IS = re.compile(r"[A-Za-z0-9._~-]+")
MARKER = 7_000_000_000  # a value no slug or number in a link looks like; every converter takes it


def once_per_value(format_: Callable[..., str]) -> Callable[..., str]:
    """`format_`, computing each distinct argument list once while the returned function
    lives. Arguments are told apart by their text, which is all the site's formatters
    depend on (and equal decimals such as 1.0 and 1.00 are written differently)."""
    done: dict[tuple, str] = {}

    def formatted(*args) -> str:
        key = tuple(map(str, args))
        found = done.get(key)
        if found is None:
            found = done[key] = format_(*args)
        return found

    return formatted


def page_formats() -> dict[str, Callable[..., str]]:
    """money, signed_money and label for one page's template (and its charts). Create
    them per request: the locale is the request's."""
    return {"money": once_per_value(money), "signed_money": once_per_value(signed_money),
            "label": once_per_value(label)}


def filled_in(pattern: str) -> Callable[..., str]:
    """A translated message with `%(name)s` places, filled in per call: a page translates
    it once (`_("Version %(n)s")` without values gives the translation as it is), not
    once per row."""
    return lambda **values: pattern % values



def url_maker(endpoint: str, *names: str) -> Callable[..., str]:
    """url_for(endpoint, **values) for many values of `names` (`_anchor` too): the URL is
    built once with a marker in each place, and each call puts the values in (url_for
    costs ~10 µs a link). A value a URL would not carry as it is goes through url_for."""
    marked = url_for(endpoint, **{name: str(MARKER + i) if name == "_anchor" else MARKER + i
                                  for i, name in enumerate(names)})
    template = marked.replace("{", "{{").replace("}", "}}")
    for i, name in enumerate(names):
        template = template.replace(str(MARKER + i), "{" + name + "}")

    def url(**values) -> str:
        if all(AS_IS.fullmatch(str(value)) for value in values.values()):
            return template.format(**values)
        return url_for(endpoint, **values)

    return url
