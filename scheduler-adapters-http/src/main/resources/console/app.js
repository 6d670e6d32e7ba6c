// The Runs workspace: sign-in, header (tenant, schedule selector, backlog, ticker with planner heartbeat),
// cards, tabs and filters (all in the URL), the virtualised runs table, side panel (upcoming fires, charts,
// telemetry) and the detail drawer. Everything is fetched with the session; nothing is rendered as HTML.
import { configure, get, post, del, ApiError, API } from './api.js';
import { el, duration, time, ACTIVE } from './format.js';
import { RunsTable } from './table.js';
import { Drawer } from './drawer.js';
import { ListFeed } from './live.js';
import { modal, confirmDialog } from './dialogs.js';
import { barChart } from './charts.js';

const FILTERS = ['trigger', 'state', 'scheduleId', 'severity', 'policyRevision', 'from', 'to', 'shard', 'errorCode'];
const TABS = [['active', 'Active'], ['completed', 'Completed'], ['scheduled', 'Scheduled'], ['failures', 'Failures']];
const HEARTBEAT_WARN_SECONDS = 90;
const PAGE = 500;

const app = document.getElementById('app');
const params = new URLSearchParams(location.search);
// ?poll=N (seconds) shortens the 30 s polling cadence for demos and the browser tests.
const POLL_MS = Math.max(1, Number(params.get('poll')) || 30) * 1000;
let session, table, drawer, listFeed, timers = [];
const view = { rows: [], cursor: null, loading: false, queue: null, schedules: null, telemetry: [], snapshotAt: null };

const can = (scope) => session.scopes.includes(scope) || session.scopes.includes('scheduler.admin');

function readUrl() {
  const u = new URL(location.href);
  const m = u.pathname.match(/^\/console\/runs\/([^/]+)\/?$/);
  const f = {};
  for (const k of FILTERS) if (u.searchParams.get(k)) f[k] = u.searchParams.get(k);
  return { tab: u.searchParams.get('tab') || 'active', filters: f, runId: m ? decodeURIComponent(m[1]) : null, tenant: u.searchParams.get('tenant') };
}

function writeUrl(s, replace = false) {
  const q = new URLSearchParams();
  if (s.tenant) q.set('tenant', s.tenant);
  q.set('tab', s.tab);
  for (const k of FILTERS) if (s.filters[k]) q.set(k, s.filters[k]);
  if (params.get('poll')) q.set('poll', params.get('poll'));
  const path = s.runId ? `/console/runs/${encodeURIComponent(s.runId)}` : '/console/runs';
  const url = `${path}?${q}`;
  if (url !== location.pathname + location.search) history[replace ? 'replaceState' : 'pushState'](null, '', url);
}

let current = readUrl();

// ---- boot ------------------------------------------------------------------------------------------------

async function boot() {
  configure({ onUnauthorized: () => signInView('Your session ended; sign in again.') });
  try {
    session = await get('/console/session', { tenant: false });
  } catch (e) {
    if (e.status === 401) return signInView();
    return fatal(e);
  }
  configure({ csrf: session.csrfToken });
  if (!session.flags.dashboardEnabled) {
    app.replaceChildren(header(), el('main', { id: 'main' }, el('div', { class: 'alert warn', role: 'alert', id: 'dashboard-off' },
      'The Runs dashboard is switched off on this server (runs.dashboard.enabled=false). The scheduler API still answers at /api/v1/scheduler.')));
    return;
  }
  if (session.tenants.length > 1 && !current.tenant) current.tenant = session.tenants[0];
  configure({ tenant: session.tenants.length > 1 ? current.tenant : null });
  dashboard();
}

function fatal(e) {
  app.replaceChildren(el('main', { id: 'main' }, el('div', { class: 'alert error', role: 'alert' }, `${e.status || ''} ${e.code}: ${e.message}`)));
}

function signInView(message) {
  timers.forEach(clearInterval); timers = [];
  listFeed?.close(); listFeed = null;
  drawer?.close(false);
  const err = el('div', { class: 'alert error', role: 'alert', id: 'signin-error', hidden: !message || undefined }, message || '');
  const token = el('textarea', { id: 'token', name: 'token', rows: 5, required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-help' });
  const form = el('form', { class: 'signin', id: 'signin-form' },
    el('h1', {}, 'Sign in to the Runs workspace'),
    el('label', { for: 'token' }, 'Bearer token'),
    token,
    el('p', { id: 'token-help', class: 'hint' }, 'Paste the same JWT you would send to the API (e.g. from ', el('code', {}, 'scheduler-app.jar token --tenant demo'),
      '). It is exchanged for a session cookie that ends when the token expires; the page never stores the token.'),
    err, el('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post('/console/session', { token: token.value.trim() }, { tenant: false });
      location.reload();
    } catch (ex) {
      err.hidden = false;
      err.textContent = `${ex.status} ${ex.code}: ${ex.message}`;
    }
  });
  app.replaceChildren(el('main', { id: 'main', class: 'signin-main' }, form));
  token.focus();
}

// ---- layout ----------------------------------------------------------------------------------------------

function header() {
  const tenant = session.tenants.length > 1
    ? el('label', { class: 'tenant' }, 'Tenant ', el('select', { id: 'tenant-select', onchange: (e) => { current.tenant = e.target.value; writeUrl(current); location.reload(); } },
        session.tenants.map((t) => el('option', { value: t, selected: t === current.tenant || undefined }, t))))
    : el('span', { class: 'badge tenant', id: 'tenant-badge', title: 'tenant' }, `tenant ${session.tenants[0] || '—'}`);
  const out = el('button', { type: 'button', id: 'sign-out', onclick: async () => { try { await del('/console/session', { tenant: false }); } finally { location.assign('/console/runs'); } } }, 'Sign out');
  return el('header', { class: 'top' },
    el('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    el('span', { class: 'brand' }, 'Verdict Scheduler · Runs'), tenant,
    el('span', { id: 'schedule-slot' }), el('span', { id: 'backlog', class: 'metrics', 'aria-label': 'backlog' }),
    el('span', { id: 'ticker', class: 'ticker', role: 'status', 'aria-live': 'polite' }, 'planner heartbeat …'),
    el('span', { class: 'who' }, session.subject, el('span', { class: 'scopes', title: session.scopes.join(' ') }, can('scheduler.runs.manage') ? ' (manage)' : ' (read-only)')), out);
}

function dashboard() {
  table = new RunsTable({ onOpen: (id) => openRun(id), onNearEnd: () => loadMore(), onSelectionChange: (sel) => selection(sel) });
  drawer = new Drawer({
    can, flags: session.flags, pollMs: POLL_MS,
    showError, notice,
    onRowUpdate: (id, patch) => table.updateRow(id, patch),
    onClose: () => { current.runId = null; writeUrl(current); drawer.close(false); document.querySelector('.runs-table .viewport')?.focus(); },
    onNewRun: (id, msg) => { notice(msg); loadRuns(); openRun(id); },
    onMode: (m, feed) => offline(m === 'polling' ? (session.flags.sseEnabled ? 'The live stream is unreachable' : null) : undefined, feed),
    telemetry: (name, data) => telemetry(name, data),
  });
  const banners = el('div', { id: 'banners' });
  const cards = el('section', { class: 'cards', 'aria-label': 'Summary cards' },
    card('card-active', 'Active runs'), card('card-queue', 'Queue depth'), card('card-findings', 'New findings'), card('card-kev', 'KEV deltas'));
  const tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Run tabs' },
    TABS.map(([id, label]) => el('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-selected': String(current.tab === id), 'aria-controls': 'runs-panel',
      tabindex: current.tab === id ? 0 : -1, onclick: () => setTab(id), onkeydown: tabKeys }, label)));
  const toolbar = el('div', { class: 'toolbar' },
    el('button', { type: 'button', id: 'btn-preview', onclick: previewModal }, 'Preview impact'),
    el('button', { type: 'button', id: 'btn-manual', onclick: manualRunModal }, 'Manual run'),
    el('span', { id: 'selection', class: 'selection', 'aria-live': 'polite' }),
    el('button', { type: 'button', id: 'btn-export', disabled: true, onclick: exportSelected }, 'Export selected (CSV)'),
    el('span', { id: 'loaded', class: 'muted' }));
  const side = el('aside', { class: 'side', 'aria-label': 'Queue, schedules and observability' },
    el('section', { id: 'upcoming', 'aria-labelledby': 'h-upcoming' }, el('h2', { id: 'h-upcoming' }, 'Upcoming schedule fires'), el('p', { class: 'muted' }, 'loading…')),
    el('section', { id: 'queue-chart', 'aria-labelledby': 'h-queue' }, el('h2', { id: 'h-queue' }, 'Backlog per schedule'), el('p', { class: 'muted' }, 'loading…')),
    el('section', { id: 'trigger-chart', 'aria-labelledby': 'h-trig' }, el('h2', { id: 'h-trig' }, 'Runs per trigger (listed runs)')),
    el('section', { id: 'observability', 'aria-labelledby': 'h-obs' }, el('h2', { id: 'h-obs' }, 'Observability'),
      el('p', { id: 'avg-duration' }), el('p', { id: 'determinism' }, 'Determinism score: n/a (no replay yet)'), el('div', { id: 'depth-trend' })),
    el('section', { id: 'telemetry', 'aria-labelledby': 'h-tel' }, el('h2', { id: 'h-tel' }, 'Latest run events'), el('ol', { id: 'telemetry-list', class: 'telemetry', tabindex: 0, 'aria-label': 'latest run events' })));
  const main = el('main', { id: 'main' },
    banners, cards, tabs,
    el('div', { id: 'runs-panel', role: 'tabpanel', 'aria-labelledby': `tab-${current.tab}` }, filterForm(), toolbar, table.root));
  app.replaceChildren(header(), el('div', { class: 'layout' }, main, side), drawer.root);
  if (!session.flags.sseEnabled) offline('Live streams are switched off on this server (runs.sse.enabled=false)');
  window.addEventListener('popstate', () => { const before = current; current = readUrl(); sync(before); });
  loadRuns();
  loadQueue();
  loadSchedules();
  if (current.runId) openRun(current.runId, true);
  if (session.flags.sseEnabled) startListFeed();
  // The 30 s reload is the fallback: while the list's stream is live, its frames keep the rows current.
  timers.push(setInterval(loadQueue, 10_000), setInterval(heartbeatTick, 1000), setInterval(() => { if (!listFeed?.live) loadRuns(true); }, POLL_MS));
}

// ---- live list -------------------------------------------------------------------------------------------

const TAB_STATES = { active: ['planning', 'queued', 'running'], completed: ['completed', 'cancelled'], failures: ['error'] };
// Filters the page can check on a row itself; with any other filter a new run triggers a quiet reload instead.
const ROW_FILTERS = { trigger: (r, v) => r.trigger === v, state: (r, v) => r.state === v, scheduleId: (r, v) => r.scheduleId === v };

function startListFeed() {
  const list = document.getElementById('runs-panel');
  list.dataset.listFeed = 'connecting';
  listFeed = new ListFeed({
    onRow: (row) => liveRow(row),
    onReload: () => loadRuns(true),
    onMode: (m) => {
      list.dataset.listFeed = m;
      if (m === 'polling') offline('The live stream is unreachable');
    },
    onStall: (seconds) => banner('stream-stalled', seconds == null ? null
      : `Live updates stalled: no heartbeat from the server for ${duration(seconds)}. Reconnecting; the list may be out of date.`, 'warn'),
  });
}

function liveRow(row) {
  const list = document.getElementById('runs-panel');
  list.dataset.listEvents = String(listFeed.applied + 1);
  const i = view.rows.findIndex((r) => r.runId === row.runId);
  if (i >= 0) {
    view.rows[i] = row;
    table.upsertRow(row);
    summarise();
    return;
  }
  if (current.tab === 'scheduled') return;
  const tabOk = !TAB_STATES[current.tab] || TAB_STATES[current.tab].includes(row.state);
  const unchecked = Object.keys(current.filters).some((k) => !ROW_FILTERS[k]);
  if (unchecked) { clearTimeout(liveRow.reload); liveRow.reload = setTimeout(() => loadRuns(true), 1000); return; }
  if (!tabOk || !Object.entries(current.filters).every(([k, v]) => ROW_FILTERS[k](row, v))) return;
  view.rows.unshift(row);
  table.upsertRow(row);
  summarise();
}

function card(id, label) {
  return el('div', { class: 'card', id }, el('span', { class: 'k' }, label), el('span', { class: 'v' }, '—'), el('span', { class: 'sub' }));
}

function setCard(id, value, sub) {
  const c = document.getElementById(id);
  if (!c) return;
  c.querySelector('.v').textContent = String(value);
  c.querySelector('.sub').textContent = sub || '';
}

function tabKeys(e) {
  const i = TABS.findIndex(([id]) => id === current.tab);
  const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
  if (next >= 0) { e.preventDefault(); setTab(TABS[next][0]); document.getElementById(`tab-${TABS[next][0]}`).focus(); }
}

function setTab(id) {
  current.tab = id;
  for (const [t] of TABS) {
    const b = document.getElementById(`tab-${t}`);
    b.setAttribute('aria-selected', String(t === id));
    b.tabIndex = t === id ? 0 : -1;
  }
  document.getElementById('runs-panel').setAttribute('aria-labelledby', `tab-${id}`);
  writeUrl(current);
  loadRuns();
}

function sync(before) {
  for (const [t] of TABS) document.getElementById(`tab-${t}`)?.setAttribute('aria-selected', String(t === current.tab));
  fillFilters();
  if (before.tab !== current.tab || JSON.stringify(before.filters) !== JSON.stringify(current.filters)) loadRuns();
  if (current.runId && current.runId !== drawer.runId) openRun(current.runId, true);
  if (!current.runId && drawer.runId) drawer.close(false);
}

// ---- filters ---------------------------------------------------------------------------------------------

function filterForm() {
  const sel = (name, label, options) => el('label', {}, label, el('select', { name, id: `f-${name}` }, el('option', { value: '' }, 'any'), options.map((o) => el('option', { value: o }, o))));
  const txt = (name, label, placeholder, type = 'text') => el('label', {}, label, el('input', { name, id: `f-${name}`, type, placeholder, autocomplete: 'off' }));
  const form = el('form', { class: 'filters', id: 'filters', 'aria-label': 'Filters' },
    sel('trigger', 'Trigger', ['cron', 'manual', 'feedser', 'vexer', 'policy', 'content-refresh']),
    sel('state', 'State', ['planning', 'queued', 'running', 'completed', 'cancelled', 'error']),
    sel('severity', 'Severity impact', ['critical', 'high', 'medium', 'low', 'kev']),
    txt('policyRevision', 'Policy revision', 'e.g. pol-7'),
    txt('from', 'From', '2026-12-01T00:00:00Z'), txt('to', 'To', '2026-12-02T00:00:00Z'),
    txt('shard', 'Planner shards', 'n', 'number'),
    sel('errorCode', 'Error code', ['ERR_RUN_001', 'ERR_RUN_002', 'ERR_RUN_003', 'ERR_RUN_004', 'ERR_RUN_005', 'ERR_RUN_006', 'ERR_RUN_007', 'ERR_RUN_008', 'ERR_RUN_009']),
    el('input', { type: 'hidden', name: 'scheduleId', id: 'f-scheduleId' }),
    el('div', { class: 'filter-actions' }, el('button', { type: 'submit', class: 'primary' }, 'Apply filters'), el('button', { type: 'reset', id: 'filters-reset' }, 'Reset')));
  form.addEventListener('submit', (e) => { e.preventDefault(); applyFilters(form); });
  form.addEventListener('reset', () => setTimeout(() => { form.querySelector('#f-scheduleId').value = ''; applyFilters(form); }));
  queueMicrotask(fillFilters);
  return form;
}

function fillFilters() {
  for (const k of FILTERS) { const i = document.getElementById(`f-${k}`); if (i) i.value = current.filters[k] || ''; }
  const s = document.getElementById('schedule-select');
  if (s) s.value = current.filters.scheduleId || '';
}

function applyFilters(form) {
  const f = {};
  for (const k of FILTERS) { const v = form.elements[k]?.value?.trim(); if (v) f[k] = v; }
  current.filters = f;
  writeUrl(current);
  loadRuns();
}

// ---- data --------------------------------------------------------------------------------------------------

function listQuery(cursor) {
  const q = new URLSearchParams({ tab: current.tab, limit: String(PAGE) });
  for (const [k, v] of Object.entries(current.filters)) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return `/console/runs?${q}`;
}

async function loadRuns(quiet = false) {
  const gen = (view.gen = (view.gen || 0) + 1);
  view.loading = true;
  let loaded = false;
  try {
    const page = await get(listQuery());
    if (gen !== view.gen) return;
    view.rows = page.items;
    view.cursor = page.nextCursor;
    if (quiet) { const keep = table.viewport.scrollTop; table.setRows(view.rows); table.viewport.scrollTop = keep; table.render(true); } else table.setRows(view.rows);
    view.snapshotAt = new Date();
    clearError('list');
    summarise();
    loaded = true;
  } catch (e) {
    if (gen === view.gen) showError(e, 'list');
  } finally {
    if (gen === view.gen) view.loading = false;
  }
  moreIfAtEnd(loaded);
}

async function loadMore() {
  if (view.loading || !view.cursor) return;
  const gen = view.gen;
  view.loading = true;
  let loaded = false;
  try {
    const page = await get(listQuery(view.cursor));
    if (gen !== view.gen) return;
    view.rows = view.rows.concat(page.items);
    view.cursor = page.nextCursor;
    table.setRows(page.items, { append: true });
    summarise();
    loaded = true;
  } catch (e) { showError(e, 'list'); } finally { if (gen === view.gen) view.loading = false; }
  moreIfAtEnd(loaded);
}

// A scroll to the end while a load was under way asked for more and was turned away (one load at a time): ask
// again once it is done. Not after a failure: that would retry in a loop; the next scroll asks again.
function moreIfAtEnd(loaded) {
  if (loaded && !view.loading) table.checkNearEnd();
}

function summarise() {
  const rows = view.rows;
  const sum = (f) => rows.reduce((a, r) => a + f(r), 0);
  setCard('card-findings', sum((r) => (r.deltas?.newCriticals || 0) + (r.deltas?.newHigh || 0) + (r.deltas?.newMedium || 0) + (r.deltas?.newLow || 0)),
    `critical ${sum((r) => r.deltas?.newCriticals || 0)}, high ${sum((r) => r.deltas?.newHigh || 0)} in the listed runs`);
  setCard('card-kev', sum((r) => r.deltas?.kevHits || 0), `${rows.filter((r) => r.badges?.includes('kev')).length} runs with KEV hits`);
  document.getElementById('loaded').textContent = `${rows.length} runs loaded${view.cursor ? ' (scroll for more)' : ''}`;
  const byTrigger = {};
  for (const r of rows) byTrigger[r.trigger] = (byTrigger[r.trigger] || 0) + 1;
  document.getElementById('trigger-chart').replaceChildren(el('h2', { id: 'h-trig' }, 'Runs per trigger (listed runs)'),
    barChart(Object.entries(byTrigger).map(([k, v]) => ({ label: k, values: [v] })), ['runs'], 'runs per trigger'));
  const done = rows.filter((r) => r.durationSeconds != null && !ACTIVE.has(r.state));
  document.getElementById('avg-duration').textContent = `Average duration: ${done.length ? duration(done.reduce((a, r) => a + r.durationSeconds, 0) / done.length) : 'n/a'} over ${done.length} finished listed runs`;
}

async function loadQueue() {
  try {
    const q = await get('/console/queue');
    view.queue = q; view.queueAt = Date.now();
    const depth = q.queues.reduce((a, r) => a + r.total, 0);
    const active = q.executor.queuedRuns + q.executor.runningRuns + q.planner.planningRuns;
    setCard('card-active', active, `${q.planner.planningRuns} planning, ${q.executor.queuedRuns} queued, ${q.executor.runningRuns} running`);
    setCard('card-queue', depth, `${q.executor.readySegments} ready, ${q.executor.delayedSegments} delayed, ${q.executor.leasedSegments} leased`);
    document.getElementById('backlog').textContent = `backlog: ${q.bySchedule.reduce((a, b) => a + b.pendingTargets, 0)} targets in ${q.bySchedule.reduce((a, b) => a + b.pendingSegments, 0)} segments`;
    document.getElementById('queue-chart').replaceChildren(el('h2', { id: 'h-queue' }, 'Backlog per schedule'),
      q.bySchedule.length ? barChart(q.bySchedule.map((b) => ({ label: b.scheduleId || 'manual', values: [b.runs, b.pendingSegments] })), ['planner (runs)', 'executor (segments)'], 'backlog per schedule')
        : el('p', { class: 'muted' }, 'No backlog: nothing queued.'));
    view.depthHistory = (view.depthHistory || []).concat([{ at: Date.now(), depth }]).slice(-8640);
    document.getElementById('depth-trend').replaceChildren(el('h3', {}, 'Queue depth since this page opened'),
      barChart(view.depthHistory.slice(-24).map((p) => ({ label: new Date(p.at).toISOString().slice(11, 19), values: [p.depth] })), ['depth'], 'queue depth trend'));
    clearError('queue');
  } catch (e) { showError(e, 'queue'); }
}

function heartbeatTick() {
  const q = view.queue;
  const ticker = document.getElementById('ticker');
  if (!q || !ticker) return;
  const age = (q.planner.heartbeatAgeSeconds ?? 0) + (Date.now() - view.queueAt) / 1000;
  ticker.textContent = `planner heartbeat ${duration(age)} ago · ${q.planner.planningRuns} planning · ${view.telemetry.length} live events`;
  banner('heartbeat', age > HEARTBEAT_WARN_SECONDS ? `No planner heartbeat for ${duration(age)} (over ${HEARTBEAT_WARN_SECONDS} s): planning may be stalled. See docs/operations/worker.md.` : null, 'warn');
}

async function loadSchedules() {
  const slot = document.getElementById('schedule-slot');
  const panel = document.getElementById('upcoming');
  if (!can('scheduler.schedules.read')) {
    slot.replaceChildren(el('span', { class: 'muted' }, 'schedules: needs scheduler.schedules.read'));
    panel.replaceChildren(el('h2', { id: 'h-upcoming' }, 'Upcoming schedule fires'), el('p', { class: 'muted' }, 'Needs scope scheduler.schedules.read.'));
    return;
  }
  try {
    const list = await get(`${API}/schedules`);
    view.schedules = list.items;
    const select = el('select', { id: 'schedule-select', onchange: (e) => { const v = e.target.value; if (v) current.filters.scheduleId = v; else delete current.filters.scheduleId; writeUrl(current); fillFilters(); loadRuns(); } },
      el('option', { value: '' }, 'all schedules'), list.items.map((s) => el('option', { value: s.id }, s.name)));
    slot.replaceChildren(el('label', { for: 'schedule-select' }, 'Schedule '), select);
    fillFilters();
    const items = await Promise.all(list.items.map(async (s) => {
      const next = s.enabled ? await get(`${API}/schedules/${encodeURIComponent(s.id)}/next?count=3`).catch(() => null) : null;
      return upcomingItem(s, next);
    }));
    panel.replaceChildren(el('h2', { id: 'h-upcoming' }, 'Upcoming schedule fires'), items.length ? el('ul', { class: 'upcoming' }, items) : el('p', { class: 'muted' }, 'No schedules.'));
  } catch (e) { showError(e, 'schedules'); }
}

function upcomingItem(s, next) {
  const write = can('scheduler.schedules.write');
  const toggle = el('input', { type: 'checkbox', role: 'switch', id: `sw-${s.id}`, checked: s.enabled || undefined, disabled: !write || undefined,
    title: write ? '' : 'needs scheduler.schedules.write',
    onchange: async (e) => {
      const enable = e.target.checked;
      if (!enable && !(await confirmDialog('Pause schedule', `Pause “${s.name}”? It will not fire until resumed.`, 'Pause'))) { e.target.checked = true; return; }
      try {
        await post(`${API}/schedules/${encodeURIComponent(s.id)}/${enable ? 'resume' : 'pause'}`);
        if (enable) {
          const n = await get(`${API}/schedules/${encodeURIComponent(s.id)}/next?count=1`);
          notice(`Resumed “${s.name}”; earliest next run ${n.nextRuns[0] ? time(n.nextRuns[0].at) : '—'}`);
        } else notice(`Paused “${s.name}”`);
        loadSchedules();
      } catch (ex) { e.target.checked = !enable; showError(ex); }
    } });
  return el('li', {}, el('label', { for: `sw-${s.id}` }, toggle, ` ${s.name}`), el('code', {}, ` ${s.cronExpression}`), el('span', { class: 'muted' }, ` ${s.timezone}`),
    el('div', { class: 'fires' }, s.enabled ? (next?.nextRuns || []).map((f) => el('span', { class: 'fire' }, f.local)) : 'paused'));
}

// ---- drawer & selection ----------------------------------------------------------------------------------

function openRun(id, fromUrl = false) {
  current.runId = id;
  if (!fromUrl) writeUrl(current);
  drawer.open(id);
}

function selection(sel) {
  document.getElementById('selection').textContent = sel.size ? `${sel.size} selected` : '';
  document.getElementById('btn-export').disabled = sel.size === 0;
}

function exportSelected() {
  const rows = view.rows.filter((r) => table.selected.has(r.runId));
  const head = ['runId', 'trigger', 'state', 'errorCode', 'processed', 'total', 'percent', 'durationSeconds', 'newCriticals', 'newHigh', 'kevHits', 'findingsCsv'];
  const lines = [head.join(',')].concat(rows.map((r) => [r.runId, r.trigger, r.state, r.errorCode || '', r.progress.processed, r.progress.total, r.progress.percent,
    r.durationSeconds ?? '', r.deltas.newCriticals, r.deltas.newHigh, r.deltas.kevHits, `${location.origin}/downloads/findings/${r.runId}.csv`].join(',')));
  const a = el('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' })), download: 'runs.csv' });
  document.body.append(a); a.click(); a.remove();
}

function telemetry(name, data) {
  view.telemetry.unshift({ name, data, at: new Date() });
  view.telemetry.length = Math.min(view.telemetry.length, 20);
  const list = document.getElementById('telemetry-list');
  if (list) list.replaceChildren(...view.telemetry.map((t) => el('li', {}, el('code', {}, t.name), ` ${t.data.state || t.data.level || ''} ${t.data.message || ''}`.trim().slice(0, 80))));
}

// ---- modals ----------------------------------------------------------------------------------------------

function previewModal() {
  const input = el('textarea', { id: 'preview-keys', rows: 5, 'aria-describedby': 'preview-help' });
  const kind = el('select', { id: 'preview-kind' }, el('option', { value: 'purls' }, 'package URLs'), el('option', { value: 'vulnerabilityIds' }, 'vulnerability IDs'));
  const out = el('div', { id: 'preview-result', role: 'status', 'aria-live': 'polite' });
  const form = el('form', {},
    el('label', { for: 'preview-kind' }, 'Keys are'), kind,
    el('label', { for: 'preview-keys' }, 'One per line'), input,
    el('p', { id: 'preview-help', class: 'hint' }, 'Nothing is created. CLI parity: scheduler runs preview --tenant <id> --file keys.json'),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Preview')), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const keys = input.value.split(/\s+/).map((s) => s.trim()).filter(Boolean);
    try {
      const r = await post(`${API}/preview`, { [kind.value]: keys });
      out.replaceChildren(el('p', { class: 'big' }, el('strong', { id: 'preview-total' }, String(r.total)), ' impacted images'),
        el('p', {}, Object.entries(r.byNamespace).map(([k, v]) => `${k}: ${v}`).join(', ') || '—'),
        el('p', { class: 'muted' }, `index built ${time(r.indexBuiltAt)}`),
        r.unresolvedVulnerabilityIds?.length ? el('p', { class: 'alert warn' }, `unknown IDs: ${r.unresolvedVulnerabilityIds.join(', ')}`) : null);
    } catch (ex) { out.replaceChildren(el('p', { class: 'alert error', role: 'alert' }, `${ex.status} ${ex.code}: ${ex.message}`)); }
  });
  modal('Preview impact', 'preview', form);
  input.focus();
}

function manualRunModal() {
  const offlineMode = !session.flags.sseEnabled || view.offline;
  const write = can('scheduler.runs.write');
  const mode = el('select', { id: 'm-mode', name: 'mode' }, el('option', { value: 'analysis-only' }, 'analysis-only'), el('option', { value: 'content-refresh' }, 'content-refresh'));
  const scope = el('select', { id: 'm-scope', name: 'scope' }, el('option', { value: 'all-images' }, 'all images'), el('option', { value: 'by-namespace' }, 'by namespace'));
  const ns = el('input', { id: 'm-ns', name: 'namespaces', placeholder: 'payments, search' });
  const reason = el('input', { id: 'm-reason', name: 'reason', required: true, placeholder: 'why this run' });
  const policy = el('input', { id: 'm-policy', name: 'policySnapshot', placeholder: 'optional, e.g. pol-7' });
  const out = el('div', { id: 'manual-result', role: 'status', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'primary', disabled: (!write && !offlineMode) || undefined, title: write ? '' : 'needs scheduler.runs.write' },
    offlineMode ? 'Generate CLI command' : 'Start run');
  const form = el('form', { id: 'manual-form' },
    el('label', { for: 'm-mode' }, 'Mode'), mode, el('label', { for: 'm-scope' }, 'Scope'), scope,
    el('label', { for: 'm-ns' }, 'Namespaces (for by namespace)'), ns, el('label', { for: 'm-reason' }, 'Reason'), reason,
    el('label', { for: 'm-policy' }, 'Policy snapshot'), policy,
    offlineMode ? el('p', { class: 'alert warn' }, 'Offline mode: the form produces a command to run where the API is reachable instead of submitting.') : null,
    !write ? el('p', { class: 'note' }, 'Starting runs needs scheduler.runs.write.') : null,
    el('div', { class: 'actions' }, submit), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { mode: mode.value, reason: reason.value, selector: scope.value === 'all-images' ? { scope: 'all-images' } : { scope: 'by-namespace', namespaces: ns.value.split(/[\s,]+/).filter(Boolean) } };
    if (policy.value.trim()) body.policySnapshot = policy.value.trim();
    if (offlineMode) {
      const cmd = `curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '${JSON.stringify(body)}' ${location.origin}${API}/runs`;
      out.replaceChildren(el('p', {}, 'Run this where the API is reachable (or submit as a bundle: scheduler runs submit --bundle <file>):'), el('pre', { id: 'manual-cli' }, cmd));
      return;
    }
    try {
      const run = await post(`${API}/runs`, body);
      d.close();
      current.tab = 'active';
      setTab('active');
      openRun(run.id);
      notice(`Run ${run.id} started`);
    } catch (ex) { out.replaceChildren(el('p', { class: 'alert error', role: 'alert' }, `${ex.status} ${ex.code}: ${ex.message}`)); }
  });
  const d = modal('Manual run', 'manual', form);
  mode.focus();
}

// ---- banners, errors, notices ------------------------------------------------------------------------------

function banner(id, text, kind = 'warn') {
  const host = document.getElementById('banners');
  if (!host) return;
  let b = document.getElementById(`banner-${id}`);
  if (!text) { b?.remove(); return; }
  if (!b) { b = el('div', { id: `banner-${id}`, class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }); host.append(b); }
  b.textContent = text;
}

function offline(reason, feed) {
  if (reason === undefined) { if (session.flags.sseEnabled) { view.offline = false; banner('offline', null); } return; }
  view.offline = true;
  const at = (feed?.snapshotAt || view.snapshotAt || new Date()).toISOString().slice(11, 19);
  banner('offline', `Offline: ${reason || 'live updates unavailable'}. Polling every ${POLL_MS / 1000} s; snapshot ${at} UTC.`, 'warn');
}

function showError(e, key = 'action') {
  const err = e instanceof ApiError ? e : new ApiError(0, { detail: String(e) });
  const scope = err.status === 403 ? ' — your token lacks the scope or tenant for this' : '';
  banner(`err-${key}`, `${err.status || ''} ${err.code}: ${err.message}${scope}`, 'error');
}

function clearError(key) { banner(`err-${key}`, null); }

function notice(text) {
  banner('notice', text, 'info');
  clearTimeout(notice.t);
  notice.t = setTimeout(() => banner('notice', null), 6000);
}

boot();
