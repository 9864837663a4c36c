"""Small charts drawn on the server as inline SVG: a few hundred bytes each, no script, cached
with the page so they show offline. Each carries a <title> and a <desc> with every figure, so a
screen reader reads the numbers the line draws."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 120, 36, 3
_ids = count(1)


def _y(value, low, high) -> float:
    if high == low:
        return HEIGHT / 2
    return PAD + (high - value) * (HEIGHT - 2 * PAD) / (high - low)


def points(values: list) -> list[tuple[float, float] | None]:
    """Where each value sits in the box: x left to right, the largest value at the top.
    None (nothing to measure that month) leaves a gap."""
    known = [v for v in values if v is not None]
    if not known:
        return [None] * len(values)
    low, high = min(known), max(known)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    return [None if v is None else (round(PAD + i * step, 1), round(float(_y(v, low, high)), 1))
            for i, v in enumerate(values)]


def sparkline(values: list, labels: list[str], shown: list[str], title: str,
              css_class: str = "") -> Markup:
    """A line over the values; ``labels`` name each point (the month), ``shown`` is each value
    as a person reads it. Both go into the <desc>."""
    number = next(_ids)
    runs, run = [], []
    for point in points(values):
        if point is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point)
    if run:
        runs.append(run)
    lines = "".join(
        f'<polyline points="{" ".join(f"{x:g},{y:g}" for x, y in r)}"/>' if len(r) > 1
        else f'<circle cx="{r[0][0]:g}" cy="{r[0][1]:g}" r="1.5"/>' for r in runs)
    last = runs[-1][-1] if runs and values and values[-1] is not None else None
    dot = f'<circle class="last" cx="{last[0]:g}" cy="{last[1]:g}" r="2"/>' if last else ""
    desc = "; ".join(f"{label}: {text}" for label, text in zip(labels, shown, strict=True))
    return Markup(
        f'<svg class="spark {escape(css_class)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="spark{number}t spark{number}d">'
        f'<title id="spark{number}t">{escape(title)}</title>'
        f'<desc id="spark{number}d">{escape(desc)}</desc>{lines}{dot}</svg>')


def pct_text(value: Decimal | None) -> str:
    return "–" if value is None else f"{value} %"
