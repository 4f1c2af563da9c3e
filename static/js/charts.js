// Draws a bar chart for every <canvas data-chart="ID"> from the JSON in the
// <script id="ID"> beside it: {labels: [...], values: [...]} for one series,
// or {labels: [...], datasets: [{label, values}, ...]} for several. The same
// figures are always in a table on the page, for screen readers and copying.
// With "stacked": true the series are stacked into one bar per label. A series may name its
// "colour"; otherwise the series take the colours below in turn.
// Runs on page load and on content that htmx swaps in.
(function () {
  "use strict";
  var COLOURS = ["#0d6efd", "#adb5bd", "#198754", "#fd7e14", "#6f42c1", "#20c997"];

  function draw(root) {
    if (typeof Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source || canvas.dataset.drawn) {
        return;
      }
      canvas.dataset.drawn = "1";
      var data = JSON.parse(source.textContent);
      var series = data.datasets || [{ label: canvas.dataset.label || "", values: data.values }];
      // Many bars: give each label room instead of squeezing them into the box's height.
      if (data.labels.length > 10 && canvas.parentElement) {
        canvas.parentElement.style.height = 28 * data.labels.length + 80 + "px";
      }
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: series.map(function (s, i) {
            return { label: s.label, data: s.values, backgroundColor: s.colour || COLOURS[i % COLOURS.length] };
          }),
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          plugins: { legend: { display: series.length > 1 } },
          scales: {
            x: { beginAtZero: true, ticks: { precision: 0 }, suggestedMax: data.max, stacked: !!data.stacked },
            y: { stacked: !!data.stacked, ticks: { autoSkip: false } },
          },
        },
      });
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(draw);
  } else {
    draw(document);
  }
})();
