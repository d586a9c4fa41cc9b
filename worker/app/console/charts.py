"""Small inline SVG charts rendered on the server: a page shows them without any script or chart library."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 360
HEIGHT = 60


def bars(values: list[float], label: str, unit: str = "") -> Markup:
    """One bar per value (oldest left); the tallest fills the height. `label` names the chart for screen readers."""
    top = max(values, default=0) or 1
    step = WIDTH / max(len(values), 1)
    parts = []
    for index, value in enumerate(values):
        height = 0 if value <= 0 else max(1.0, HEIGHT * value / top)
        parts.append(
            f'<rect x="{index * step:.1f}" y="{HEIGHT - height:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{height:.1f}"><title>{_number(value)}{escape(unit)}</title></rect>'
        )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(label)}; highest {_number(max(values, default=0))}{escape(unit)}">'
        + "".join(parts)
        + "</svg>"
    )


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
