"""The SVG charts: well-formed, labelled for screen readers, values written as text."""

import xml.etree.ElementTree as ET

from reports.charts import timeliness_chart, volume_chart
from reports.tables import MonthFigure

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = (
    MonthFigure("2026-01", "Jan 2026", 12, 9, 1),
    MonthFigure("2026-02", "Feb 2026", 0, 0, 0),
    MonthFigure("2026-03", "Mar 2026", 1234, 3, 1),
)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314  (our own template's output)


def texts(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}text")]


def test_the_timeliness_chart_names_every_value():
    svg = parse(timeliness_chart(MONTHS))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "timeliness-title timeliness-desc"
    assert svg.find(f"{SVG}title").text.startswith("Regulatory clocks met")
    desc = svg.find(f"{SVG}desc").text
    assert "Jan 2026: 90% (9 of 10)" in desc
    assert "Feb 2026: no clocks" in desc
    labels = texts(svg)
    # A month without clocks says so in words; colour is never the only signal.
    assert {"90%", "no clocks", "75%", "Jan 2026", "Mar 2026", "100%"} <= set(labels)
    assert len(list(svg.iter(f"{SVG}rect"))) == 3


def test_the_volume_chart_scales_to_round_gridlines():
    svg = parse(volume_chart(MONTHS))
    labels = texts(svg)
    assert "1,234" in labels
    assert "1500" in labels  # the top gridline rounds up past the largest month
    heights = [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]
    assert heights[1] == 0
    assert heights[2] > heights[0] > 0


def test_many_months_turn_their_labels():
    months = tuple(MonthFigure(f"2025-{m:02d}", f"M{m}", m, m, 0) for m in range(1, 13)) * 2
    svg = parse(volume_chart(months))
    assert any("rotate(-45" in (t.get("transform") or "") for t in svg.iter(f"{SVG}text"))
