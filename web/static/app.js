// Draws each <figure class="chart"> with Observable Plot, from the rows the page carries.
"use strict";

function draw(figure) {
  const spec = JSON.parse(figure.dataset.chart);
  const rows = JSON.parse(figure.dataset.rows);
  if (!rows.length) return;
  // Days come as YYYY-MM-DD text; a time scale wants dates.
  if (/^\d{4}-\d{2}-\d{2}$/.test(rows[0][spec.x])) {
    for (const row of rows) row[spec.x] = new Date(row[spec.x]);
  }
  const width = Math.max(320, figure.clientWidth || 640);
  const color = spec.stroke || spec.fill;
  const options = {x: spec.x, y: spec.y, tip: true};
  let marks;
  if (spec.mark === "line") {
    marks = [Plot.lineY(rows, {...options, stroke: spec.stroke, z: spec.stroke || null, fy: spec.fy}), Plot.dot(rows, {x: spec.x, y: spec.y, stroke: spec.stroke, fy: spec.fy, r: 2})];
  } else if (spec.mark === "barx") {
    marks = [Plot.barX(rows, {...options, fill: spec.fill, sort: {y: "-x"}}), Plot.ruleX([0])];
  } else {
    marks = [Plot.barY(rows, {...options, fill: spec.fill, fx: spec.fx}), Plot.ruleY([0])];
  }
  const plot = Plot.plot({
    width,
    height: spec.fy ? 140 * new Set(rows.map((r) => r[spec.fy])).size : 280,
    marginLeft: spec.mark === "barx" ? 140 : 50,
    marginBottom: 50,
    x: spec.mark === "barx" ? {grid: true} : {tickRotate: -30},
    y: {grid: spec.mark !== "barx"},
    color: color ? {legend: true} : undefined,
    marks,
  });
  figure.replaceChildren(plot);
  figure.dataset.rendered = "true";
}

document.addEventListener("DOMContentLoaded", () => {
  for (const figure of document.querySelectorAll("figure.chart")) draw(figure);
});
