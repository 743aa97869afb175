// Draws the dashboard's energy chart from the JSON the server embedded in the page.
(function () {
  var el = document.getElementById('energy-chart');
  var dataEl = document.getElementById('chart-data');
  if (!el || !dataEl || !window.uPlot) return;
  var d = JSON.parse(dataEl.textContent);
  var bars = uPlot.paths.bars({ size: [0.6, 40] });
  var opts = {
    width: Math.min(el.clientWidth || 900, 1060), height: 280,
    series: [{}, { label: 'Import kWh', stroke: '#1d4ed8', fill: 'rgba(29,78,216,0.35)', paths: bars },
                 { label: 'Export kWh', stroke: '#0b6e4f', fill: 'rgba(11,110,79,0.35)', paths: bars }],
    axes: [{}, { label: 'kWh' }]
  };
  new uPlot(opts, [d.x, d.import, d.export], el);
})();
