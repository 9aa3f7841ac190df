"""Pure change history: how tariff readers code each changed line, what one publication
changed in a few numbers, which publications a reader asked for, and one fee's amounts
over time.

Everything works on the canonical plain dicts of fees.canonical.item_content and the
ItemChange/VersionDiff of fees.diff, so it needs no database and no app: the history
pages, /changes and the Atom feeds all code changes here and so cannot disagree.

Decisions that are product rules, not accidents of the code:

- A line has one kind. A new fee is an *addition* and a dropped one a *deletion* (even
  though fees.diff counts them as raising or lowering charges for the notice rule); a
  changed fee whose price moved up anywhere (amount, minimum or a tier) is an
  *increase*, even if something else went down, because that is what needs notice;
  otherwise down is a *reduction*; no price field changed is a *wording change*. A price
  field that changed without moving either way (e.g. only the currency) is *other*.
- The largest increase is the largest in percent of the amount: amounts of different
  units (per container, per bill) cannot be compared in yuan. An increase from zero has
  no percentage and ranks above every finite one; ties go to the larger amount change.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from fees.diff import ItemChange, VersionDiff, diff_items, item_key, percent_change
from fees.errors import FieldError
from fees.vocab import ENTITY_KINDS, LOG_ACTIONS

KINDS = ("increase", "reduction", "addition", "deletion", "wording", "other")
# /changes ?direction= values and the kinds of line each one asks for.
DIRECTIONS = {"up": "increase", "down": "reduction", "added": "addition", "removed": "deletion",
              "wording": "wording"}


def change_kind(change: ItemChange) -> str | None:
    """The kind of one line of a diff (see the module docstring); None when unchanged."""
    if change.status == "unchanged":
        return None
    if change.status == "added":
        return "addition"
    if change.status == "removed":
        return "deletion"
    if change.raises_charges:
        return "increase"
    if change.lowers_charges:
        return "reduction"
    return "wording" if change.wording_only else "other"


@dataclass(frozen=True)
class DiffLine:
    """One changed fee as a reader sees it: its kind, its amounts before and after."""

    kind: str
    key: tuple[str, ...]
    row: dict  # the new item, or the old one when it was removed
    old: dict | None
    new: dict | None
    old_amount: Decimal | None
    new_amount: Decimal | None
    amount_change: Decimal | None
    amount_change_pct: Decimal | None
    changed_fields: tuple[str, ...]

    @property
    def code(self) -> str:
        """The fee code of the line."""
        return self.row["code"]


def _amount(item: dict | None) -> Decimal | None:
    """An item's amount as a Decimal (None for no item)."""
    return None if item is None else Decimal(item["amount"])


def diff_lines(diff: VersionDiff) -> list[DiffLine]:
    """Every changed line of a diff, in the diff's order (unchanged ones left out)."""
    lines = []
    for change in diff.changes:
        kind = change_kind(change)
        if kind is None:
            continue
        lines.append(DiffLine(
            kind=kind, key=change.key, row=change.new or change.old, old=change.old, new=change.new,
            old_amount=_amount(change.old), new_amount=_amount(change.new),
            amount_change=change.amount_change, amount_change_pct=change.amount_change_pct,
            changed_fields=change.changed_fields,
        ))
    return lines


@dataclass(frozen=True)
class PublicationSummary:
    """What one version changed from the one before it, in a few numbers."""

    counts: dict[str, int]  # every kind of KINDS, zero included
    unchanged: int
    largest_increase: DiffLine | None
    codes: frozenset[str]  # fee codes of every changed line

    def has(self, kind: str) -> bool:
        """True when at least one line is of this kind."""
        return self.counts.get(kind, 0) > 0

    @property
    def changed(self) -> int:
        """How many lines changed in any way."""
        return sum(self.counts.values())


def _increase_rank(line: DiffLine) -> tuple:
    """Sort key of an increase: from zero first, then percent, then amount change."""
    pct = line.amount_change_pct
    return (pct is None and line.old_amount == 0, pct if pct is not None else Decimal(0),
            line.amount_change or Decimal(0))


def summarize(old_items: list[dict], new_items: list[dict]) -> PublicationSummary:
    """Summarise the change from `old_items` to `new_items` (empty old: all additions)."""
    lines = diff_lines(diff_items(old_items, new_items))
    counts = {kind: 0 for kind in KINDS}
    for line in lines:
        counts[line.kind] += 1
    increases = [line for line in lines if line.kind == "increase"]
    return PublicationSummary(
        counts=counts,
        unchanged=len(new_items) - sum(1 for line in lines if line.new is not None),
        largest_increase=max(increases, key=_increase_rank) if increases else None,
        codes=frozenset(line.code for line in lines),
    )


def matches(summary: PublicationSummary, code: str | None, direction: str | None) -> bool:
    """Does a publication touch fee `code` and have lines of the kind `direction` asks for?"""
    if code and code not in summary.codes:
        return False
    return not direction or summary.has(DIRECTIONS[direction])


def day_bounds_utc(first: date | None, last: date | None, tz: str) -> tuple[datetime | None, datetime | None]:
    """UTC instants [start, end) that cover port-time days `first`..`last` inclusive."""
    zone = ZoneInfo(tz)

    def midnight(day: date) -> datetime:
        """The instant a port-time day starts, in UTC."""
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)

    return (midnight(first) if first else None, midnight(last + timedelta(days=1)) if last else None)


@dataclass(frozen=True)
class Step:
    """One step of a fee's amount over time: from a version's effective date on."""

    number: int
    effective_from: date
    item: dict | None  # None: the version does not publish this fee (a gap)

    @property
    def amount(self) -> Decimal | None:
        """The amount from this date on, or None in a gap."""
        return _amount(self.item)


@dataclass
class VersionPoint:
    """What item_steps needs of a version: its number, status, date and items."""

    number: int
    status: str
    effective_from: date
    items: list[dict] = field(default_factory=list)


def item_steps(versions: list[VersionPoint], key: tuple[str, ...]) -> list[Step]:
    """The fee with `key` over time: one step per version that takes effect, by date.

    Withdrawn versions never took effect, so they are left out. Of versions with the
    same effective date the highest number is the one in effect (the site's rule), so
    the others are left out too.
    """
    by_day: dict[date, VersionPoint] = {}
    for version in versions:
        if version.status != "published":
            continue
        held = by_day.get(version.effective_from)
        if held is None or version.number > held.number:
            by_day[version.effective_from] = version
    steps = []
    for day in sorted(by_day):
        version = by_day[day]
        item = next((i for i in version.items if item_key(i) == key), None)
        steps.append(Step(version.number, day, item))
    return steps


@dataclass(frozen=True)
class ChangeFilter:
    """Which publication-log entries a reader of /changes asked for (None: any)."""

    entity: str | None = None
    kind: str | None = None  # the entity's kind (container_terminal, ...), as /entities?kind=
    action: str | None = None  # publish or withdraw
    code: str | None = None
    direction: str | None = None  # a key of DIRECTIONS
    first: date | None = None  # publication dates in port time, inclusive
    last: date | None = None

    @property
    def needs_diffs(self) -> bool:
        """True when only the entries' diffs can tell whether they match."""
        return bool(self.code or self.direction)

    def as_args(self) -> dict[str, str]:
        """The filter as query parameters (for page links and the feed of the same view)."""
        args = {"entity": self.entity, "kind": self.kind, "action": self.action, "code": self.code,
                "direction": self.direction, "from": self.first and self.first.isoformat(),
                "to": self.last and self.last.isoformat()}
        return {name: value for name, value in args.items() if value}


def _choice(args: Mapping, name: str, allowed, errors: list[FieldError]) -> str | None:
    """A parameter that must be one of `allowed` (None when empty or not allowed)."""
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        errors.append(FieldError(name, _l("Choose one of the values offered.")))
        return None
    return value or None


def _day(args: Mapping, name: str, errors: list[FieldError]) -> date | None:
    """A YYYY-MM-DD parameter (None when empty or malformed)."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(name, _l("Use the format YYYY-MM-DD.")))
        return None


def read_change_filter(args: Mapping) -> tuple[ChangeFilter, list[FieldError]]:
    """Read /changes query parameters; a bad value is reported and then ignored, so the
    page still answers with the other filters."""
    errors: list[FieldError] = []
    first, last = _day(args, "from", errors), _day(args, "to", errors)
    if first and last and first > last:
        errors.append(FieldError("to", _l("The end date is before the start date.")))
        last = None
    return ChangeFilter(
        entity=(args.get("entity") or "").strip() or None,
        kind=_choice(args, "kind", ENTITY_KINDS, errors),
        action=_choice(args, "action", LOG_ACTIONS, errors),
        code=(args.get("code") or "").strip().upper() or None,
        direction=_choice(args, "direction", DIRECTIONS, errors),
        first=first,
        last=last,
    ), errors


@dataclass(frozen=True)
class StepRow:
    """A step with its change from the step before that had an amount in the same currency."""

    step: Step
    change: Decimal | None
    change_pct: Decimal | None


def step_rows(steps: list[Step]) -> list[StepRow]:
    """Each step with how its amount moved since the last step that had one (None for the
    first amount, a gap, or a change of currency)."""
    rows, before = [], None
    for step in steps:
        change = pct = None
        if step.item is not None and before is not None and before.item["currency"] == step.item["currency"]:
            change = step.amount - before.amount
            pct = percent_change(before.amount, step.amount)
        rows.append(StepRow(step, change, pct))
        if step.item is not None:
            before = step
    return rows
