// bandster's live dashboard: follows one study's (or run directory's) event stream and draws it.
// Plain browser script, no build step; vega and vega-lite come from this server (/assets/), so the
// page works offline. Every value from the stream is written as text (textContent), never as HTML.
/* global vega, vegaLite */

(() => {
  const MAX_RESULTS_SHOWN = 50;
  const body = document.body;
  const token = new URLSearchParams(window.location.search).get('token');
  const eventsUrl = body.dataset.events + (token ? `?token=${encodeURIComponent(token)}` : '');

  const state = {
    runs: [],
    running: new Map(),
    best: [],
    trajectory: [],
    status: null,
    source: 'study',
    fresh: new Set(),
  };

  const idKey = (configId) => configId.join('-');
  const jobKey = (configId, budget) => `${idKey(configId)}@${budget}`;
  const formatLoss = (loss) => (loss === null || loss === undefined ? '—' : Number(loss).toPrecision(5));
  const formatTime = (seconds) => (seconds === null || seconds === undefined ? '—' : new Date(seconds * 1000).toLocaleTimeString());
  const formatConfig = (config) =>
    Object.entries(config)
      .map(([name, value]) => `${name}=${typeof value === 'number' ? Number(value.toPrecision(4)) : value}`)
      .join(', ');

  // --- charts -------------------------------------------------------------------------------
  const axisTime = { field: 'time', type: 'temporal', title: 'finished', axis: { format: '%H:%M:%S', labelOverlap: true } };
  const specs = {
    trajectory: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { name: 'points' },
      height: 220,
      layer: [
        { mark: { type: 'line', interpolate: 'step-after', color: '#0969da' } },
        { mark: { type: 'point', filled: true, color: '#0969da' } },
      ],
      encoding: {
        x: axisTime,
        y: { field: 'loss', type: 'quantitative', title: 'incumbent loss', scale: { zero: false } },
        tooltip: [
          { field: 'config', title: 'config' },
          { field: 'budget', type: 'quantitative' },
          { field: 'loss', type: 'quantitative', format: '.5g' },
        ],
      },
    },
    losses: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { name: 'points' },
      height: 220,
      mark: { type: 'point', filled: true, opacity: 0.7 },
      encoding: {
        x: axisTime,
        y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
        color: { field: 'budget', type: 'ordinal', title: 'budget', scale: { scheme: 'viridis' } },
        tooltip: [
          { field: 'config', title: 'config' },
          { field: 'budget', type: 'quantitative' },
          { field: 'loss', type: 'quantitative', format: '.5g' },
        ],
      },
    },
  };
  const views = {};

  async function chart(name, element) {
    // A fixed width inside the box; 'pad' autosizing adds the axes and the legend around it.
    const width = Math.max(200, element.clientWidth - (name === 'losses' ? 130 : 70));
    const compiled = vegaLite.compile({ ...specs[name], width }).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: element, hover: true, logLevel: vega.Warn });
    await view.runAsync();
    views[name] = view;
  }

  const chartsReady = Promise.all([
    chart('trajectory', document.getElementById('trajectory-chart')),
    chart('losses', document.getElementById('losses-chart')),
  ]);

  async function drawCharts() {
    await chartsReady;
    const trajectoryPoints = state.trajectory.map((point) => ({
      time: point.finished * 1000,
      loss: point.loss,
      budget: point.budget,
      config: idKey(point.configId),
    }));
    const lossPoints = state.runs
      .filter((run) => run.loss !== null)
      .map((run) => ({ time: run.timestamps.finished * 1000, loss: run.loss, budget: run.budget, config: idKey(run.configId) }));
    await Promise.all([
      views.trajectory.data('points', trajectoryPoints).resize().runAsync(),
      views.losses.data('points', lossPoints).resize().runAsync(),
    ]);
  }

  // --- tables -------------------------------------------------------------------------------
  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function fill(tableId, rows) {
    const tbody = document.querySelector(`#${tableId} tbody`);
    tbody.replaceChildren(...rows);
  }

  function drawTables() {
    const running = [...state.running.values()].map((job) => {
      const row = document.createElement('tr');
      row.dataset.job = jobKey(job.configId, job.budget);
      cell(row, idKey(job.configId));
      cell(row, job.budget === null ? '—' : String(job.budget), 'number');
      cell(row, job.askedAt === null ? 'pending' : formatTime(job.askedAt));
      cell(row, job.leaseExpiresAt === null ? '—' : formatTime(job.leaseExpiresAt / 1000));
      cell(row, formatConfig(job.config), 'config');
      return row;
    });
    fill('running', running);

    const best = state.best.map((entry, rank) => {
      const row = document.createElement('tr');
      row.dataset.config = idKey(entry.configId);
      cell(row, String(rank + 1), 'number');
      cell(row, idKey(entry.configId));
      cell(row, formatLoss(entry.loss), 'number');
      cell(row, String(entry.budget), 'number');
      cell(row, formatConfig(entry.config), 'config');
      return row;
    });
    fill('best', best);

    const latest = state.runs
      .slice(-MAX_RESULTS_SHOWN)
      .reverse()
      .map((run) => {
        const row = document.createElement('tr');
        const key = jobKey(run.configId, run.budget);
        row.dataset.run = key;
        if (state.fresh.has(key)) row.className = 'fresh';
        cell(row, idKey(run.configId));
        cell(row, String(run.budget), 'number');
        cell(row, formatLoss(run.loss), 'number');
        cell(row, formatTime(run.timestamps.finished));
        cell(row, run.error === null ? '' : run.error.split('\n')[0], 'error');
        return row;
      });
    fill('results', latest);
    state.fresh.clear();

    const status = state.status;
    if (status) {
      const planned = status.planned === null ? '' : ` of ${status.planned} planned`;
      const parts = [
        `${status.nRuns} results${planned}`,
        `${status.nFailed} failed`,
        `${status.nConfigs} configurations`,
        `${status.running} ${state.source === 'study' ? 'running' : 'awaiting a result'}`,
      ];
      if (status.finished) parts.push('finished');
      document.getElementById('status').textContent = parts.join(' · ');
    }
    body.dataset.runs = String(state.runs.length);
  }

  let scheduled = false;
  function redraw() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(() => {
      scheduled = false;
      drawTables();
      drawCharts().catch((error) => console.warn('chart update failed', error));
    });
  }

  // --- the event stream -----------------------------------------------------------------------
  const connection = document.getElementById('connection');
  function setConnection(label) {
    connection.dataset.state = label;
    connection.textContent = label;
  }

  const events = new EventSource(eventsUrl);
  events.addEventListener('open', () => setConnection('live'));
  // EventSource reconnects by itself; the server then sends a fresh snapshot.
  events.addEventListener('error', () => setConnection('reconnecting'));

  events.addEventListener('snapshot', (message) => {
    const snapshot = JSON.parse(message.data);
    state.source = snapshot.source;
    state.runs = snapshot.runs.slice();
    state.running = new Map(snapshot.running.map((job) => [jobKey(job.configId, job.budget), job]));
    state.best = snapshot.best;
    state.trajectory = snapshot.trajectory;
    state.status = snapshot.status;
    redraw();
  });

  events.addEventListener('result', (message) => {
    const { run, best, trajectory, status } = JSON.parse(message.data);
    state.runs.push(run);
    state.running.delete(jobKey(run.configId, run.budget));
    state.running.delete(jobKey(run.configId, null));
    state.fresh.add(jobKey(run.configId, run.budget));
    state.best = best;
    state.trajectory = trajectory;
    state.status = status;
    redraw();
  });

  events.addEventListener('job', (message) => {
    const job = JSON.parse(message.data);
    state.running.set(jobKey(job.configId, job.budget), job);
    if (state.status) state.status = { ...state.status, running: state.running.size };
    redraw();
  });

  events.addEventListener('warning', (message) => {
    const { message: text } = JSON.parse(message.data);
    const item = document.createElement('li');
    item.textContent = text;
    document.getElementById('warnings').appendChild(item);
    document.getElementById('warnings-section').hidden = false;
  });
})();
