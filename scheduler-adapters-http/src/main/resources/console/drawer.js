// The detail drawer: Summary, Progress (by phase, with throughput), Segments, Deltas, Evidence, Logs — loaded
// from /console/runs/{id} and kept live by the run's feed (SSE or polling).
import { get, post, href, ApiError } from './api.js';
import { el, duration, time, pct, copyText, ACTIVE, TERMINAL } from './format.js';
import { RunFeed } from './live.js';
import { confirmDialog, modal } from './dialogs.js';

const PHASES = ['planner', 'queue', 'execution', 'post-processing'];
const RUNBOOKS = { ERR_RUN_001: 'planner lock held', ERR_RUN_005: 'scanner timeout', ERR_RUN_009: 'impact index stale' };

export class Drawer {
  constructor(ctx) {
    this.ctx = ctx; // { session, can(scope), flags, pollMs, showError, onRowUpdate, onClose, onNewRun, onMode, telemetry }
    this.root = el('aside', { class: 'drawer', id: 'drawer', 'aria-label': 'Run detail', hidden: true, tabindex: -1 });
    this.root.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !document.querySelector('dialog[open]')) this.ctx.onClose(); });
  }

  async open(runId) {
    this.close(false);
    this.runId = runId;
    this.root.hidden = false;
    this.root.replaceChildren(el('p', { class: 'loading' }, `Loading ${runId}…`));
    let detail;
    try {
      detail = await get(`/console/runs/${encodeURIComponent(runId)}`);
    } catch (e) {
      this.root.replaceChildren(this.head(runId, null), el('div', { class: 'alert error', role: 'alert' }, `${e.status || ''} ${e.code}: ${e.message}`));
      return;
    }
    if (this.runId !== runId) return;
    this.detail = detail;
    this.render();
    this.root.focus();
    this.feed = new RunFeed(runId, {
      sse: this.ctx.flags.sseEnabled, pollMs: this.ctx.pollMs,
      after: 0, terminal: TERMINAL.has(detail.summary.state),
      onEvent: (name, data, id) => this.onEvent(name, data, id),
      onMode: (m) => { this.mode = m; this.liveBadge.textContent = modeText(m); this.liveBadge.className = `live m-${m}`; this.ctx.onMode?.(m, this.feed); },
    });
  }

  close(notify = true) {
    this.feed?.close();
    this.feed = null;
    clearInterval(this.cooldownTimer);
    this.runId = null;
    this.detail = null;
    this.root.hidden = true;
    this.root.replaceChildren();
    if (notify) this.ctx.onClose?.();
  }

  head(runId, s) {
    const close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close run detail', onclick: () => this.ctx.onClose() }, '×');
    return el('div', { class: 'drawer-head' },
      el('h2', { id: 'drawer-title' }, 'Run ', el('code', {}, runId)),
      s ? el('span', { class: `state s-${s.state}`, id: 'drawer-state' }, s.state) : null,
      close);
  }

  render() {
    const d = this.detail, s = d.summary;
    this.liveBadge = el('span', { class: 'live', role: 'status' }, modeText(this.mode));
    this.root.replaceChildren(
      this.head(s.runId, s),
      el('div', { class: 'drawer-bar' }, this.liveBadge, this.actions(s)),
      el('nav', { class: 'drawer-nav', 'aria-label': 'Run detail sections' },
        ['Summary', 'Progress', 'Segments', 'Deltas', 'Evidence', 'Logs'].map((n) => el('a', { href: `#sec-${n.toLowerCase()}` }, n))),
      this.summary(s), this.progress(d), this.segments(d), this.deltas(d), this.evidence(d), this.logs(d));
    this.cooldownTimer = setInterval(() => this.tickCooldowns(), 1000);
  }

  section(name, ...content) {
    return el('section', { class: 'sec', id: `sec-${name.toLowerCase()}`, 'aria-labelledby': `h-${name.toLowerCase()}` },
      el('h3', { id: `h-${name.toLowerCase()}` }, name), ...content);
  }

  actions(s) {
    const manage = this.ctx.can('scheduler.runs.manage');
    const why = manage ? '' : 'needs scope scheduler.runs.manage (this session is read-only)';
    const retryOff = !this.ctx.flags.retryEnabled;
    const cancel = el('button', { type: 'button', id: 'btn-cancel', disabled: !manage || !ACTIVE.has(s.state) || undefined,
      title: why || (ACTIVE.has(s.state) ? 'Cancel this run' : 'only an active run can be cancelled'),
      onclick: () => this.act('cancel', `Cancel run ${s.runId}? Queued segments are drained; nothing of it executes afterwards.`) }, 'Cancel run');
    const retry = el('button', { type: 'button', id: 'btn-retry', disabled: !manage || retryOff || !TERMINAL.has(s.state) || undefined,
      title: why || (retryOff ? 'retry is switched off on this server (runs.retry.enabled=false)' : TERMINAL.has(s.state) ? 'Retry as a new run (retryOf)' : 'only a finished run can be retried'),
      onclick: () => this.act('retry', `Retry run ${s.runId}? A new run is planned with retryOf = this run.`) }, 'Retry run');
    const escalate = el('button', { type: 'button', onclick: () => this.escalate() }, 'Escalate to support');
    const note = !manage ? el('span', { class: 'note', id: 'readonly-note' }, 'Read-only: cancel and retry need scheduler.runs.manage')
      : retryOff ? el('span', { class: 'note' }, 'Retry is off (runs.retry.enabled=false)') : null;
    return el('div', { class: 'actions' }, cancel, retry, escalate, note);
  }

  async act(kind, message, path) {
    if (!(await confirmDialog(kind === 'cancel' ? 'Cancel run' : 'Retry', message, kind === 'cancel' ? 'Cancel run' : 'Retry'))) return;
    try {
      const res = await post(path || `/api/v1/scheduler/runs/${encodeURIComponent(this.runId)}/${kind}`);
      if (kind === 'retry' && res?.id && !path) this.ctx.onNewRun(res.id, `Retry planned as ${res.id}`);
      else this.ctx.notice(`${kind} accepted`);
      if (path) this.refresh();
    } catch (e) {
      this.ctx.showError(e);
    }
  }

  async refresh() {
    if (!this.runId) return;
    try {
      this.detail = await get(`/console/runs/${encodeURIComponent(this.runId)}`);
      const scroll = this.root.scrollTop;
      clearInterval(this.cooldownTimer);
      this.render();
      this.root.scrollTop = scroll;
      this.ctx.onRowUpdate(this.runId, { state: this.detail.summary.state, progress: this.detail.progress });
    } catch (e) { this.ctx.showError(e); }
  }

  summary(s) {
    const rows = [['Tenant', s.tenantId], ['Trigger', s.trigger], ['Mode', s.mode], ['Schedule', s.scheduleId || '—'],
      ['Shard count', s.shardCount], ['Created', time(s.createdAt)], ['Started', time(s.startedAt)], ['Finished', time(s.finishedAt)],
      ['Correlation ID', s.correlationId || '—'], ['Plan digest', s.planDigest || '—'], ['Retry of', s.retryOf || '—'],
      ['Policy revision', s.policyRevision || '—'], ['Reason', s.reason || '—']];
    const dl = el('dl', { class: 'kv' }, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]));
    const err = s.errorCode ? el('div', { class: 'alert error', role: 'note' }, `${s.errorCode}: ${s.errorMessage || ''}`,
      RUNBOOKS[s.errorCode] || s.errorCode ? el('span', { class: 'runbook' }, ` Runbook: docs/operations/errors/${s.errorCode}.md${RUNBOOKS[s.errorCode] ? ` (${RUNBOOKS[s.errorCode]})` : ''}`) : null) : null;
    return this.section('Summary', err, dl);
  }

  progress(d) {
    const p = d.progress;
    this.bar = el('div', { class: 'bigbar', role: 'progressbar', id: 'run-progress', 'aria-label': 'run progress', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': p.percent }, el('span', { class: 'fill' }));
    this.bar.firstChild.style.width = `${Math.min(100, p.percent)}%`;
    this.ptext = el('p', { id: 'run-progress-text' }, `${pct(p.percent)} · ${p.processed}/${p.total} targets`);
    const phases = el('ol', { class: 'phases', 'aria-label': 'progress by phase' },
      PHASES.map((name) => {
        const ph = (d.phases || []).find((x) => x.name === name) || { name, state: 'pending' };
        return el('li', { class: `phase ph-${ph.state}`, dataset: { phase: name } },
          el('span', { class: 'pname' }, name), el('span', { class: 'pstate' }, ph.state),
          el('span', { class: 'pdur' }, ph.durationSeconds != null ? duration(ph.durationSeconds) : ''),
          ph.throughputPerMinute ? el('span', { class: 'ptp' }, `${Math.round(ph.throughputPerMinute)}/min`) : null);
      }));
    this.tp = el('p', { class: 'throughput' }, `Throughput: ${Math.round(d.throughputPerMinute || 0)} targets per minute`);
    return this.section('Progress', this.bar, this.ptext, phases, this.tp);
  }

  setProgress(processed, total, percent) {
    if (!this.bar) return;
    this.bar.setAttribute('aria-valuenow', String(percent));
    this.bar.firstChild.style.width = `${Math.min(100, percent)}%`;
    this.ptext.textContent = `${pct(percent)} · ${processed}/${total} targets`;
    this.detail.progress = { processed, total, percent };
  }

  segments(d) {
    const manage = this.ctx.can('scheduler.runs.manage');
    this.segBody = el('tbody', {});
    for (const seg of d.segments) this.segBody.append(this.segmentRow(seg, manage));
    const table = el('table', { class: 'segments' },
      el('caption', { class: 'sr-only' }, 'Segments of this run'),
      el('thead', {}, el('tr', {}, ['#', 'State', 'Targets', 'Processed', 'Executor', 'Attempts', 'Reason / cooldown', ''].map((h) => el('th', { scope: 'col' }, h)))),
      this.segBody);
    return this.section('Segments', d.segments.length ? table : el('p', {}, 'No segments (nothing to do, or still planning).'));
  }

  segmentRow(seg, manage) {
    const retryable = seg.state === 'dead' || seg.state === 'failed';
    const off = !this.ctx.flags.retryEnabled;
    const btn = retryable ? el('button', { type: 'button', class: 'small', disabled: !manage || off || undefined,
      title: !manage ? 'needs scope scheduler.runs.manage' : off ? 'runs.retry.enabled=false' : `Retry segment ${seg.index}`,
      onclick: () => this.act('retry', `Retry segment ${seg.index} of ${this.runId}?`, `/api/v1/scheduler/runs/${encodeURIComponent(this.runId)}/segments/${seg.index}/retry`) }, 'Retry') : '';
    const cooldown = el('span', { class: 'cooldown', dataset: { until: seg.nextAttemptAt || '' } });
    return el('tr', { dataset: { index: seg.index } },
      el('td', {}, seg.index), el('td', {}, el('span', { class: `state s-${seg.state}` }, seg.state)), el('td', {}, seg.size),
      el('td', { class: 'processed' }, seg.processed), el('td', {}, seg.leaseOwner || '—'), el('td', { class: 'attempt' }, seg.attempt),
      el('td', {}, seg.error ? `${seg.error.code}: ${seg.error.message} ` : '', cooldown), el('td', {}, btn));
  }

  tickCooldowns() {
    for (const c of this.root.querySelectorAll('.cooldown')) {
      const until = c.dataset.until ? Date.parse(c.dataset.until) : 0;
      const left = (until - Date.now()) / 1000;
      c.textContent = left > 0 ? `next attempt in ${duration(left)}` : '';
    }
  }

  deltas(d) {
    const st = d.stats;
    const cards = el('ul', { class: 'mini-cards' },
      [['Images with deltas', st.deltas], ['New critical', st.newCriticals], ['New high', st.newHigh], ['Resolved', st.resolved], ['Quieted', st.quieted], ['KEV additions', st.kevHits]]
        .map(([k, v]) => el('li', {}, el('span', { class: 'v' }, v), el('span', { class: 'k' }, k))));
    this.deltaList = el('ul', { class: 'delta-list' }, d.deltas.slice(0, 20).map((x) => deltaItem(x)));
    const more = d.deltasTotal > 20 ? el('p', {}, `${d.deltasTotal} images in all; the API pages them: `, el('code', {}, `/api/v1/scheduler/runs/${d.summary.runId}/deltas`)) : null;
    const findings = el('p', {}, el('a', { href: href(`/api/v1/scheduler/runs/${encodeURIComponent(d.summary.runId)}/deltas`) }, 'Findings of this run (JSON, filtered by run ID)'));
    this.deltaCards = cards;
    return this.section('Deltas', cards, this.deltaList, more, findings);
  }

  evidence(d) {
    const canDownload = this.ctx.can('downloads.read');
    const list = el('ul', { class: 'evidence' });
    const links = [['Findings delta CSV', d.evidence.findingsCsv], ['Evidence manifest (JSON)', d.evidence.evidence]];
    for (const [name, url] of links) {
      list.append(el('li', {}, canDownload ? el('a', { href: href(url), download: '' }, name) : el('span', { class: 'muted' }, `${name} — needs downloads.read`)));
    }
    const bundle = this.ctx.flags.evidenceBundles
      ? el('li', { id: 'bundle-link' }, canDownload ? el('a', { href: href(d.evidence.bundle), download: '' }, 'Bundle for offline (tar.gz: manifest, deltas, findings CSV, policy summary, DSSE attestation)') : 'Offline bundle — needs downloads.read',
        el('span', { class: 'hint' }, ` CLI: scheduler-app.jar verify <bundle.tar.gz>`))
      : el('li', { id: 'bundle-off', class: 'muted' }, 'Offline evidence bundles are switched off on this server (runs.evidenceBundles=false).');
    list.append(bundle);
    const files = el('div', { class: 'files' });
    if (canDownload) {
      get(d.evidence.evidence).then((ev) => {
        files.replaceChildren(el('table', { class: 'files' }, el('caption', {}, 'Evidence files'),
          el('thead', {}, el('tr', {}, ['File', 'Type', 'Size', 'SHA-256', 'Signature'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, (ev.files || []).map((f) => el('tr', {}, el('td', {}, el('a', { href: href(f.url) }, f.name)), el('td', {}, f.mediaType || ''),
            el('td', {}, f.size != null ? `${f.size} B` : '—'), el('td', {}, f.sha256 ? el('code', {}, f.sha256.slice(0, 16) + '…') : '—'),
            el('td', {}, f.signature || (f.name.includes('dsse') ? 'DSSE' : 'unsigned')))))),
          el('p', {}, `Plan digest ${ev.planDigest || '—'}; bundle: ${ev.bundle?.available ? 'available' : (ev.bundle?.reason || 'not available')}`));
      }).catch((e) => files.replaceChildren(el('p', { class: 'alert error', role: 'alert' }, `${e.status} ${e.code}: ${e.message}`)));
    }
    return this.section('Evidence', list, files);
  }

  logs(d) {
    this.follow = el('input', { type: 'checkbox', id: 'follow-logs', checked: true });
    this.logList = el('ol', { class: 'logs', id: 'log-list', 'aria-live': 'off', tabindex: 0, 'aria-label': 'last 50 log entries' }, d.logs.map(logItem));
    const copy = el('button', { type: 'button', class: 'small', onclick: async () => {
      const q = `runId="${d.summary.runId}"${d.summary.correlationId ? ` OR correlationId="${d.summary.correlationId}"` : ''}`;
      this.ctx.notice((await copyText(q)) ? 'log query copied' : `copy this query: ${q}`);
    } }, 'Copy query for log tools');
    return this.section('Logs', el('div', { class: 'log-tools' }, el('label', { for: 'follow-logs' }, this.follow, ' Scroll to live'), copy), this.logList);
  }

  onEvent(name, data, id) {
    // What was applied, for operators' tooling and the browser suite: ids are a contiguous sequence per run,
    // so "applied === lastEventId" means nothing was missed or applied twice.
    this.root.dataset.lastEventId = String(id);
    this.root.dataset.eventsApplied = String(this.feed ? this.feed.applied : 0);
    if (!this.detail) return;
    this.ctx.telemetry(name, data);
    if (name === 'segmentProgress') {
      // The feed replays the run's events from the first one, and the detail snapshot is usually newer than
      // the early ones: the bar only moves forward (the terminal refresh then sets the final figures).
      if (data.runProcessed >= (this.detail.progress?.processed || 0)) this.setProgress(data.runProcessed, data.runTotal, data.percent);
      const tr = this.segBody?.querySelector(`tr[data-index="${data.index}"]`);
      if (tr) {
        tr.querySelector('.state').textContent = data.state;
        tr.querySelector('.state').className = `state s-${data.state}`;
        tr.querySelector('.processed').textContent = data.processed;
        tr.querySelector('.attempt').textContent = data.attempt;
      }
      this.ctx.onRowUpdate(this.runId, { progress: this.detail.progress });
    } else if (name === 'stateChanged') {
      const badge = this.root.querySelector('#drawer-state');
      if (badge) { badge.textContent = data.state; badge.className = `state s-${data.state}`; }
      this.ctx.onRowUpdate(this.runId, { state: data.state, errorCode: data.errorCode });
      if (TERMINAL.has(data.state) && !TERMINAL.has(this.detail.summary.state)) this.refresh();
    } else if (name === 'deltaSummary') {
      this.deltaList?.prepend(deltaItem(data));
      while (this.deltaList && this.deltaList.children.length > 20) this.deltaList.lastChild.remove();
    } else if (name === 'log') {
      this.logList?.append(logItem(data));
      while (this.logList && this.logList.children.length > 50) this.logList.firstChild.remove();
      if (this.follow?.checked) this.logList.lastChild?.scrollIntoView({ block: 'nearest' });
    }
  }

  escalate() {
    const s = this.detail.summary;
    const text = [`Scheduler run needs support`, `Run: ${s.runId}`, `Tenant: ${s.tenantId}`, `State: ${s.state}${s.errorCode ? ` (${s.errorCode}: ${s.errorMessage || ''})` : ''}`,
      `Trigger: ${s.trigger}, mode ${s.mode}, schedule ${s.scheduleId || '—'}`, `Correlation ID: ${s.correlationId || '—'}`,
      `Progress: ${pct(this.detail.progress.percent)} (${this.detail.progress.processed}/${this.detail.progress.total})`,
      `Started ${time(s.startedAt)}, finished ${time(s.finishedAt)}`, `Link: ${location.origin}/console/runs/${s.runId}`,
      s.errorCode ? `Runbook: docs/operations/errors/${s.errorCode}.md` : ''].filter(Boolean).join('\n');
    const area = el('textarea', { id: 'incident-text', rows: 10, readonly: true, 'aria-label': 'incident template' }, text);
    const d = modal('Escalate to support', 'escalate', el('p', {}, 'Copy this into your incident tracker:'), area,
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'primary', onclick: async () => { this.ctx.notice((await copyText(text)) ? 'incident text copied' : 'select the text and copy it'); d.close(); } }, 'Copy')));
  }
}

function deltaItem(x) {
  return el('li', {}, el('code', {}, (x.imageDigest || '').slice(0, 19) + '…'),
    ` +${x.newFindings} new (${x.newCriticals} critical, ${x.newHigh} high), −${x.resolved} resolved, ${x.quieted} quieted`,
    x.kevHits?.length ? el('span', { class: 'badge b-kev' }, `KEV ${x.kevHits.join(', ')}`) : null);
}

function logItem(l) {
  return el('li', { class: `log l-${(l.level || 'info').toLowerCase()}` }, el('time', {}, time(l.occurredAt)), ' ',
    el('span', { class: 'lvl' }, l.level), ' ', el('span', { class: 'msg' }, l.message), l.correlationId ? el('span', { class: 'cid' }, ` ${l.correlationId}`) : null);
}

function modeText(m) {
  return ({ live: 'live (SSE)', reconnecting: 'reconnecting…', polling: 'polling every 30 s', ended: 'finished — stream closed', closed: 'stream closed' })[m] || 'connecting…';
}
