// PeerWatt charts (uPlot, served from the portal's WebJars). The figures come from the page's own
// JSON; every chart has a table with the same figures next to it for people who cannot see it.
(function () {
  if (!window.uPlot) return;
  var COLORS = { bought: '#3b82c4', gridImport: '#1e3a8a', sold: '#34a36f', gridExport: '#0b5e3c',
                 price: '#b45309', volume: '#64748b' };
  function width(el) { return Math.max(280, Math.min(el.clientWidth || 900, 1060)); }
  function data(el) {
    var src = document.getElementById(el.dataset.source || 'chart-data');
    return src ? JSON.parse(src.textContent) : null;
  }
  var bars = uPlot.paths.bars({ size: [0.7, 60], gap: 1 });
  function kwh(u, v) { return v == null ? '' : Math.abs(v).toFixed(3) + ' kWh'; }
  // The browser's own clock would show its own zone: times are shown in the zone's, given by the page.
  function tzDate(tz) { return function (ts) { return uPlot.tzDate(new Date(ts * 1e3), tz); }; }
  // Time axis labels in the zone's 24-hour clock; the day is added when the chart spans days.
  function timeAxis(tz) {
    var hm = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    var dm = new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'short' });
    return {
      values: function (u, splits) {
        var span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
        return splits.map(function (ts) {
          var d = new Date(ts * 1e3);
          return span > 86400 * 2 ? dm.format(d) : span > 86400 ? dm.format(d) + ' ' + hm.format(d) : hm.format(d);
        });
      }
    };
  }
  // both quantities start at zero, so a bar's height is its size
  function fromZero(u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; }

  // Used above the axis (from the grid under bought from neighbours), sent below it.
  function energy(el, d) {
    var n = d.x.length, used = [], grid = [], sent = [], toGrid = [];
    for (var i = 0; i < n; i++) {
      used.push(d.bought[i] + d.gridImport[i]); grid.push(d.gridImport[i]);
      sent.push(-(d.sold[i] + d.gridExport[i])); toGrid.push(-d.gridExport[i]);
    }
    var opts = {
      width: width(el), height: 300, tzDate: tzDate(el.dataset.tz || 'UTC'),
      legend: { show: false },
      scales: { x: { time: true } },
      series: [{},
        { label: 'Bought from neighbours', stroke: COLORS.bought, fill: COLORS.bought, paths: bars, value: function (u, v, s, i) { return kwh(u, d.bought[i]); } },
        { label: 'From the grid', stroke: COLORS.gridImport, fill: COLORS.gridImport, paths: bars, value: kwh },
        { label: 'Sold to neighbours', stroke: COLORS.sold, fill: COLORS.sold, paths: bars, value: function (u, v, s, i) { return kwh(u, d.sold[i]); } },
        { label: 'To the grid', stroke: COLORS.gridExport, fill: COLORS.gridExport, paths: bars, value: kwh }],
      axes: [timeAxis(el.dataset.tz || 'UTC'), { label: 'kWh (used above, sent below)', values: function (u, vals) { return vals.map(function (v) { return Math.abs(v).toFixed(2); }); } }]
    };
    return new uPlot(opts, [d.x, used, grid, sent, toGrid], el);
  }

  // Price per slot as a line (ct/kWh, left) over the traded volume as bars (kWh, right).
  function market(el, d) {
    var opts = {
      width: width(el), height: 280, tzDate: tzDate(el.dataset.tz || 'UTC'),
      legend: { show: false },
      scales: { x: { time: true }, kwh: { range: fromZero }, ct: { range: fromZero } },
      series: [{},
        { label: 'Volume', scale: 'kwh', stroke: COLORS.volume, fill: 'rgba(100,116,139,0.45)', paths: bars },
        { label: 'Price', scale: 'ct', stroke: COLORS.price, width: 2, points: { show: true, size: 6 } }],
      axes: [timeAxis(el.dataset.tz || 'UTC'), { scale: 'ct', label: 'ct/kWh' }, { scale: 'kwh', side: 1, label: 'kWh traded', grid: { show: false } }]
    };
    return new uPlot(opts, [d.x, d.volume, d.price], el);
  }

  // A flexibility event per slot: needed and accepted as steps, delivered as bars (kW). Each slot is
  // drawn over its whole quarter-hour: one more point at the last slot's end carries the steps to it,
  // and a bar starts at its slot's start, so an event of one or two slots fills the chart.
  function flexibility(el, d) {
    var steps = uPlot.paths.stepped({ align: 1 });
    var slotBars = uPlot.paths.bars({ size: [0.9, Infinity], gap: 1, align: 1 });
    var last = d.x.length - 1;
    function kw(u, v) { return v == null ? '' : v.toFixed(3) + ' kW'; }
    var opts = {
      width: width(el), height: 260, tzDate: tzDate(el.dataset.tz || 'UTC'),
      legend: { show: false },
      scales: { x: { time: true }, y: { range: fromZero } },
      series: [{},
        { label: 'Needed', stroke: COLORS.price, width: 2, paths: steps, value: kw },
        { label: 'Accepted', stroke: COLORS.bought, width: 2, dash: [6, 4], paths: steps, value: kw },
        { label: 'Delivered', stroke: COLORS.sold, fill: 'rgba(52,163,111,0.45)', paths: slotBars, value: kw }],
      axes: [timeAxis(el.dataset.tz || 'UTC'), { label: 'kW' }]
    };
    return new uPlot(opts, [d.x.concat([d.x[last] + 900]), d.needed.concat([d.needed[last]]),
      d.accepted.concat([d.accepted[last]]), d.delivered.concat([null])], el);
  }

  var charts = [];
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var d = data(el);
    if (!d || !d.x || d.x.length === 0) { el.textContent = 'Nothing to draw for this period.'; return; }
    charts.push({ el: el, plot: el.dataset.chart === 'market' ? market(el, d) : el.dataset.chart === 'flexibility' ? flexibility(el, d) : energy(el, d) });
  });
  // a phone turned sideways or a window resized: the charts take the new width
  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (c) { c.plot.setSize({ width: width(c.el), height: c.plot.height }); });
    }, 100);
  });
})();
