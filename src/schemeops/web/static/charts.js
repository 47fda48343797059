// Draw every element with a data-figure (a Plotly figure as JSON).
document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
  var fig = JSON.parse(el.dataset.figure);
  Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
});
