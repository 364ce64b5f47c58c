"""Server-rendered SVG bar charts for the page and the PDF: no JavaScript, no CDN.

Accessible by construction: role="img" with a <title> and a <desc> that states every
value, each bar carries its value as text, and a single series means colour carries no
meaning of its own (a month without data says so in words, not in a colour).
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from reports.tables import MonthFigure

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 44, 64


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    label_x: float
    value_y: float


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


def timeliness_chart(
    months: tuple[MonthFigure, ...], *, chart_id: str = "timeliness"
) -> SafeString:
    values = [m.met_share for m in months]
    texts = [f"{m.met_share:g}%" if m.met_share is not None else "no clocks" for m in months]
    desc = "; ".join(
        f"{m.label}: {text}" + (f" ({m.met} of {m.met + m.missed})" if m.met + m.missed else "")
        for m, text in zip(months, texts, strict=True)
    )
    return _bar_chart(
        chart_id=chart_id,
        title="Regulatory clocks met, by month of IMRO receipt (%)",
        desc=f"Share of regulatory clocks met each month. {desc}.",
        labels=[m.label for m in months],
        values=values,
        texts=texts,
        top=100,
        tick_step=25,
        unit="%",
    )


def volume_chart(months: tuple[MonthFigure, ...], *, chart_id: str = "volume") -> SafeString:
    top = max([m.cases for m in months] + [1])
    step = _nice_step(top)
    top = step * -(-top // step)
    desc = "; ".join(f"{m.label}: {m.cases}" for m in months)
    return _bar_chart(
        chart_id=chart_id,
        title="Cases submitted to IMROs, by month of IMRO receipt",
        desc=f"Number of cases each month. {desc}.",
        labels=[m.label for m in months],
        values=[float(m.cases) for m in months],
        texts=[f"{m.cases:,}" for m in months],
        top=top,
        tick_step=step,
        unit="",
    )


def _bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: list[str],
    values: list[float | None],
    texts: list[str],
    top: float,
    tick_step: float,
    unit: str,
) -> SafeString:
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(values), 1)
    bar_width = slot * 0.7
    bars = []
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        height = plot_height * (value or 0) / top if top else 0
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label=label,
                value_text=text,
                label_x=round(x + bar_width / 2, 1),
                value_y=round(TOP + plot_height - height - 4, 1),
            )
        )
    ticks = []
    value = 0.0
    while value <= top:
        ticks.append(
            Tick(y=round(TOP + plot_height - plot_height * value / top, 1), text=f"{value:g}{unit}")
        )
        value += tick_step
    context = {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "tick_x": LEFT - 6,
        "right_edge": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 16,
        "bars": bars,
        "ticks": ticks,
        # Many months: turn the labels so they do not overlap.
        "rotate_labels": len(bars) > 12,
        "value_font": 11 if len(bars) <= 18 else 8,
    }
    return SafeString(render_to_string("reports/_bar_chart.svg", context).strip())


def _nice_step(top: int) -> int:
    """A round tick step giving about four gridlines."""
    raw = max(top / 4, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude
