// The dashboard page: turns the model that txl dashboard embedded (see DashboardModel) into the
// summary table, the charts (ECharts) and the run details, then reports in #status what it drew.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var runsById = {};
  data.runs.forEach(function (run) { runsById[run.id] = run; });

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function number(value, unit) {
    if (value === null || value === undefined || !isFinite(value)) { return 'n/a'; }
    var abs = Math.abs(value);
    var text = abs >= 100 ? value.toFixed(0) : abs >= 1 ? value.toPrecision(3) : value.toPrecision(2);
    return unit === 'x' ? text + 'x' : unit ? text + ' ' + unit : text;
  }

  // A threshold in percent; a spread beyond 10 times the value itself says only "very noisy".
  function limit(threshold) {
    return threshold > 10 ? '>1000%' : (100 * threshold).toFixed(1) + '%';
  }

  function percent(value) {
    return (value > 0 ? '+' : '') + (100 * value).toFixed(1) + '%';
  }

  function row(table, cells, header) {
    var tr = element('tr');
    cells.forEach(function (cell) {
      var td = element(header ? 'th' : 'td');
      if (cell instanceof Node) { td.appendChild(cell); } else { td.textContent = cell; }
      tr.appendChild(td);
    });
    table.appendChild(tr);
    return tr;
  }

  function runLink(id, label) {
    var link = element('a', label);
    link.href = '#run-' + id;
    link.addEventListener('click', function (event) { event.preventDefault(); showRun(id); });
    return link;
  }

  function renderMeta() {
    var machines = {};
    data.runs.forEach(function (run) { machines[run.machine.key] = run.machine; });
    var keys = Object.keys(machines);
    document.getElementById('meta').textContent = data.runs.length + ' runs on ' + keys.length + ' machine'
      + (keys.length === 1 ? '' : 's') + ' (' + keys.join(', ') + '); generated ' + data.generated
      + '. A regression is a latest point ' + data.rule + '.';
  }

  function renderSummary() {
    var table = document.getElementById('summary');
    row(table, ['metric', 'machine', 'runs', 'latest', 'previous', 'best', 'baseline', 'change', 'limit', ''], true)
      .children[1].className = 'text';
    data.summary.forEach(function (s) {
      var hasBaseline = s.baseline !== undefined;
      var change = !hasBaseline ? 'new' : s.change > 0 ? percent(s.change) + ' worse'
        : (100 * -s.change).toFixed(1) + '% better';
      var tr = row(table, [s.metric, s.machine, String(s.runs), runLink(s.latestRun, number(s.latest, s.unit)),
        hasBaseline ? number(s.previous, s.unit) : '-', number(s.best, s.unit), hasBaseline ? number(s.baseline, s.unit) : '-',
        change, hasBaseline ? limit(s.threshold) : '-', s.regression ? 'REGRESSION' : '']);
      tr.children[1].className = 'text';
      tr.children[9].className = 'flag';
      if (hasBaseline && s.change < -s.threshold) { tr.children[7].className = 'better'; }
      if (s.regression) { tr.className = 'regression'; }
    });
  }

  function renderRuns() {
    var table = document.getElementById('runs');
    var header = row(table, ['date', 'commit', 'subject', 'source', 'machine', 'load', 'rounds'], true);
    for (var h = 1; h < 5; h++) { header.children[h].className = 'text'; }
    data.runs.slice().reverse().forEach(function (run) {
      var tr = row(table, [run.date, runLink(run.id, run.git.commit.substring(0, 10) + (run.git.dirty ? '+dirty' : '')),
        run.git.subject, run.source, run.machine.key, loadText(run), String(run.rounds)]);
      for (var i = 1; i < 5; i++) { tr.children[i].className = 'text'; }
    });
  }

  function loadText(run) {
    return run.load ? number(run.load.before) + ' → ' + number(run.load.after) + ' on ' + run.machine.cores + ' cores' : 'n/a';
  }

  function rate(r) {
    return r ? number(r.rate) + ' ±' + (50 * r.spread).toFixed(0) + '%' : 'n/a';
  }

  function showRun(id) {
    var run = runsById[id];
    if (!run) { return; }
    var section = document.getElementById('run-detail');
    var box = document.getElementById('run');
    box.textContent = '';
    document.getElementById('run-title').textContent = 'Run ' + run.id;
    var facts = element('table');
    [['date', run.date], ['commit', run.git.commit + (run.git.dirty ? ' (dirty tree)' : '')], ['subject', run.git.subject],
      ['commit date', run.git.commitDate], ['source', run.source],
      ['machine', run.machine.cpuModel + ', ' + run.machine.cores + ' cores, '
        + (run.machine.memoryBytes / 1073741824).toFixed(1) + ' GiB, ' + run.machine.os],
      ['JDK', run.runtime.jdk + ' (' + run.runtime.vm + ')'], ['Graal', run.runtime.graal + ', ' + run.runtime.truffleRuntime],
      ['load average', loadText(run)], ['rounds', String(run.rounds)]].forEach(function (fact) {
      var tr = row(facts, fact);
      tr.children[1].className = 'text';
    });
    box.appendChild(facts);
    if (run.workloads.length > 0) {
      var workloads = element('table');
      row(workloads, ['workload', 'guest it/s', 'native it/s', 'qemu it/s', 'guest/native', 'qemu/native', 'warm-up s',
        'compilations', 'compile s', 'checksums'], true);
      run.workloads.forEach(function (w) {
        row(workloads, [w.name, rate(w.guest), rate(w.nativeRun), rate(w.qemu), number(w.guestOverNative, 'x'),
          number(w.qemuOverNative, 'x'), number(w.warmupSeconds), w.compilations === null ? 'n/a' : String(w.compilations),
          number(w.compileSeconds), w.checksumsMatch ? 'match' : 'MISMATCH']);
      });
      box.appendChild(element('h3', 'Workloads (rates: steady state ± half the spread of its rounds)'));
      box.appendChild(workloads);
    }
    if (run.jmh.length > 0) {
      var jmh = element('table');
      row(jmh, ['benchmark', 'mode', 'score', 'error', 'unit'], true);
      run.jmh.forEach(function (j) {
        var tr = row(jmh, [j.benchmark, j.mode, number(j.score), j.error === null ? 'n/a' : '±' + number(j.error), j.unit]);
        tr.children[4].className = 'text';
      });
      box.appendChild(element('h3', 'JMH benchmarks'));
      box.appendChild(jmh);
    }
    section.className = 'shown';
    if (location.hash !== '#run-' + id) { history.replaceState(null, '', '#run-' + id); }
    section.scrollIntoView();
  }

  function tooltip(params) {
    var d = params.data;
    var lines = [params.seriesName, 'commit ' + d.commit, d.value[0], 'value ' + number(d.value[1], d.unit)
      + (d.spread === null ? '' : ', spread ' + (100 * d.spread).toFixed(1) + '%'), 'click to open the run'];
    return lines.map(function (line) { return line.replace(/&/g, '&amp;').replace(/</g, '&lt;'); }).join('<br>');
  }

  var drawn = [];

  function renderCharts() {
    var container = document.getElementById('charts');
    data.charts.forEach(function (spec) {
      if (spec.series.length === 0) { return; }
      var box = element('div', null, 'chart');
      box.id = 'chart-' + spec.id;
      container.appendChild(box);
      var chart = echarts.init(box, null, { renderer: 'canvas' });
      var logarithmic = spec.unit === 'x native time';
      chart.setOption({
        animation: false,
        title: { text: spec.title, textStyle: { fontSize: 13 } },
        tooltip: { trigger: 'item', formatter: tooltip },
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 60, right: 20, top: 40, bottom: 56 },
        xAxis: { type: 'time' },
        yAxis: { type: logarithmic ? 'log' : 'value', name: spec.unit, scale: !logarithmic },
        series: spec.series.map(function (s) {
          return {
            name: s.name, type: 'line', symbolSize: 7, showAllSymbol: true,
            data: s.points.map(function (p) {
              return { value: [p[0], p[1]], spread: p[2], run: p[3], commit: p[4], unit: logarithmic ? 'x' : spec.unit };
            })
          };
        })
      });
      chart.on('click', function (params) { if (params.data && params.data.run) { showRun(params.data.run); } });
      drawn.push({ spec: spec, chart: chart });
    });
  }

  // What the charts really drew: each series' data in ECharts' model, and the graphic elements
  // on the canvas layer. A headless browser reads this from #status.
  function reportStatus() {
    var status = document.getElementById('status');
    var expected = 0;
    var withData = 0;
    var empty = [];
    drawn.forEach(function (entry) {
      expected += entry.spec.series.length;
      var models = entry.chart.getModel().getSeries();
      var elements = entry.chart.getZr().storage.getDisplayList(true).length;
      models.forEach(function (model) {
        if (model.getData().count() > 0 && elements > 0) { withData++; } else { empty.push(entry.spec.id + ':' + model.name); }
      });
    });
    var errors = window.dashboardErrors;
    var state = errors.length > 0 ? 'error' : withData === expected && empty.length === 0 ? 'ready' : 'incomplete';
    status.setAttribute('data-state', state);
    status.setAttribute('data-charts', String(drawn.length));
    status.setAttribute('data-series', String(expected));
    status.setAttribute('data-series-drawn', String(withData));
    status.setAttribute('data-errors', String(errors.length));
    status.textContent = state + ': ' + drawn.length + ' charts, ' + withData + ' of ' + expected + ' series drawn'
      + (empty.length ? '; empty: ' + empty.join(', ') : '') + (errors.length ? '; errors: ' + errors.join(' | ') : '');
  }

  try {
    renderMeta();
    renderSummary();
    renderCharts();
    renderRuns();
    if (location.hash.indexOf('#run-') === 0) { showRun(decodeURIComponent(location.hash.substring(5))); }
    window.addEventListener('resize', function () { drawn.forEach(function (entry) { entry.chart.resize(); }); });
  } catch (error) {
    window.dashboardErrors.push(String(error && error.stack || error));
  }
  reportStatus();
})();
