// eventdesk's one script: draws each chart of a page from its API answer with Plotly (served
// by this app) and follows a clicked point's link to the events behind it. Pages work without
// it, minus the charts.
"use strict";

function drawChart(el) {
  fetch(el.dataset.chart, {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    })
    .then(function (answer) {
      var chart = answer.chart;
      if (!chart || !window.Plotly) { return; }
      el.textContent = "";
      return window.Plotly.newPlot(el, chart.traces, chart.layout,
                                   {displaylogo: false, displayModeBar: false, responsive: true}).then(function () {
        el.dataset.drawn = "1";
        el.on("plotly_click", function (ev) {
          var link = ev.points && ev.points.length ? ev.points[0].customdata : null;
          // only links into this app
          if (typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/") {
            window.location.assign(link);
          }
        });
      });
    })
    .catch(function (err) {
      el.textContent = "The chart could not be drawn (" + err.message + "); the table has its figures.";
    });
}

// a chart whose Plotly figure the page carries as JSON in its data-figure attribute (the
// brief's charts): drawn where it is, its PNG (in <noscript>) being for readers without script
function drawFigure(el) {
  if (!window.Plotly) { return; }
  var fig;
  try {
    fig = JSON.parse(el.dataset.figure);
  } catch (err) {
    el.textContent = "The chart could not be read (" + err.message + ").";
    return;
  }
  window.Plotly.newPlot(el, fig.data || [], fig.layout || {},
                        {displaylogo: false, displayModeBar: false, responsive: true})
    .then(function () { el.dataset.drawn = "1"; })
    .catch(function (err) { el.textContent = "The chart could not be drawn (" + err.message + ")."; });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(drawChart);
  document.querySelectorAll("[data-figure]").forEach(drawFigure);
});
