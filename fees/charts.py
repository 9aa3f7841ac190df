"""Chart figures for plotly.js, built with plotly's Python API and embedded as JSON.

Charts show the same numbers as the table beside them; amounts become floats only here,
for drawing (2-decimal amounts are represented exactly enough for a bar's height).
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio


def figure_json(figure: go.Figure) -> str:
    """The figure as JSON for a `data-figure` attribute (see static/js/charts.js)."""
    return pio.to_json(figure, validate=False, pretty=False)


def base_layout(title: str = "", height: int = 420) -> dict:
    """A plain layout that suits the site: no title bar clutter, readable margins."""
    return {"title": {"text": title}, "height": height, "margin": {"l": 60, "r": 20, "t": 40 if title else 10, "b": 120},
            "font": {"family": "system-ui, 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"}}
