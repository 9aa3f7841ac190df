/* Draw every plotly chart on the page. A chart is a <div class="chart" data-figure="…">
   holding the figure as JSON (no inline script, so the strict CSP holds); the table next
   to it has the same numbers, so the page works without JavaScript too.
   The chart is an image to assistive technology (role="img" with a text description):
   no mode bar, whose buttons would be controls nested inside an image (axe's
   nested-interactive) and would add a dozen tab stops per chart. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("div.chart[data-figure]").forEach(function (el) {
      var figure = JSON.parse(el.getAttribute("data-figure"));
      window.Plotly.newPlot(el, figure.data, figure.layout || {}, {
        displaylogo: false, displayModeBar: false, responsive: true, locale: document.documentElement.lang
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
