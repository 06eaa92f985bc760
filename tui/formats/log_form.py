"""The model back in the log's own form: plain dicts and lists, field names as a log writes
them, dates as their EDTF text, so that ``2017?`` stays ``2017?``.

The walk is driven by the field table (:data:`tui.model.format.SPECS`), not by a list kept
here, so a field added to the format is carried by every export that embeds the log form
(the TimelineJS extension object, the Timesketch ``watchline`` column) without a change
here. Empty values (``None``, ``()``, ``{}``) are left out, as a log would leave them out.

Amounts are JSON numbers when a float holds them exactly (``895000``, ``12.5``), else
their decimal text (``"0.10000000000000000001"``), so no export rounds money; the
importers read either back into the same ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.model.format import SPECS, Field
from tui.model.log import Collection, Event


def amount_value(amount: Decimal) -> int | float | str:
    """``amount`` as a JSON value that reads back to an equal ``Decimal``."""
    if amount == amount.to_integral_value():
        return int(amount)
    as_float = float(amount)
    if Decimal(repr(as_float)) == amount:
        return as_float
    return format(amount, "f")


def _value(field: Field, value: Any) -> Any:
    kind = field.kind
    if value is None:
        return None
    if kind == "date":
        return value.text
    if kind == "amount":
        return amount_value(value)
    if kind in ("refs", "texts"):
        return list(value) or None
    if kind == "data":
        return dict(value) or None
    if kind == "mapping":
        assert field.spec is not None
        return mapping_form(value, field.spec)
    if kind == "list":
        assert field.spec is not None
        return [mapping_form(item, field.spec) for item in value] or None
    return value


def mapping_form(obj: Any, spec_name: str) -> dict[str, Any]:
    """One model object (an event, an agency, a rating...) as the mapping a log writes."""
    out: dict[str, Any] = {}
    for field in SPECS[spec_name].fields:
        value = _value(field, getattr(obj, field.attribute, None))
        if value is not None:
            out[field.name] = value
    return out


def event_form(event: Event) -> dict[str, Any]:
    """An event as its entry of a log's ``events:`` list."""
    return mapping_form(event, "event")


def registry_form(collection: Collection, name: str) -> dict[str, dict[str, Any]]:
    """One registry (``agencies``, ``kinds``...) as a log writes it; built-in kinds are
    left out (every log has them)."""
    spec_field = SPECS["log"].by_name[name]
    assert spec_field.spec is not None
    entries = getattr(collection, name)
    return {
        entry_id: mapping_form(entry, spec_field.spec)
        for entry_id, entry in entries.items()
        if not getattr(entry, "builtin", False)
    }


def header_form(collection: Collection) -> dict[str, Any]:
    """Everything of a log but its events: version, title, description, registries."""
    out: dict[str, Any] = {"watchline": 1, "title": collection.title}
    if collection.description is not None:
        out["description"] = collection.description
    for spec_field in SPECS["log"].fields:
        if spec_field.kind == "registry":
            entries = registry_form(collection, spec_field.name)
            if entries:
                out[spec_field.name] = entries
    return out
