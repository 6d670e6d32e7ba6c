// The runs table, virtualised: a fixed row height and a spacer as tall as all rows, and only the rows in view
// (plus a few either side) exist in the DOM — 10,000 runs cost the same few dozen elements as 10.
import { el, duration, shortId, pct, deltaText, deltaTooltip, ACTIVE } from './format.js';

export const ROW_HEIGHT = 40;
const OVERSCAN = 6;
const COLUMNS = ['', 'Run ID', 'Trigger', 'State', 'Progress', 'Duration', 'Deltas'];

export class RunsTable {
  constructor({ onOpen, onNearEnd, onSelectionChange }) {
    this.rows = [];
    this.selected = new Set();
    this.active = 0;
    this.onOpen = onOpen;
    this.onNearEnd = onNearEnd;
    this.onSelectionChange = onSelectionChange;
    this.header = el('div', { class: 'row head', role: 'row', 'aria-rowindex': 1 },
      COLUMNS.map((c, i) => el('div', { class: `cell c${i}`, role: 'columnheader' }, i === 0 ? el('span', { class: 'sr-only' }, 'Select') : c)));
    this.spacer = el('div', { class: 'spacer' });
    this.body = el('div', { class: 'rows' });
    // The scrolling body is the grid's second rowgroup, so the ARIA structure stays grid > rowgroup > row.
    this.viewport = el('div', { class: 'viewport', role: 'rowgroup', tabindex: 0, 'aria-label': 'Runs (arrow keys move, Enter opens the run, Space selects)' }, this.spacer, this.body);
    this.empty = el('p', { class: 'empty', hidden: true }, 'No runs match these filters.');
    this.grid = el('div', { class: 'runs-table', role: 'grid', 'aria-label': 'Runs', 'aria-rowcount': 1 },
      el('div', { role: 'rowgroup' }, this.header), this.viewport);
    this.root = el('div', { class: 'runs-wrap' }, this.grid, this.empty);
    this.viewport.addEventListener('scroll', () => this.render());
    this.viewport.addEventListener('keydown', (e) => this.key(e));
    this.timer = setInterval(() => this.tick(), 1000);
  }

  setRows(rows, { append = false } = {}) {
    this.rows = append ? this.rows.concat(rows) : rows.slice();
    this.index = new Map(this.rows.map((r, i) => [r.runId, i]));
    if (!append) { this.viewport.scrollTop = 0; this.active = 0; this.selected.clear(); this.onSelectionChange?.(this.selected); }
    this.grid.setAttribute('aria-rowcount', String(this.rows.length + 1));
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.empty.hidden = this.rows.length > 0;
    this.render(true);
  }

  updateRow(runId, patch) {
    const i = this.index?.get(runId);
    if (i === undefined) return;
    this.rows[i] = { ...this.rows[i], ...patch };
    this.render(true);
  }

  /** A row from the live list feed: updated in place, or added on top when new (the list is newest first). */
  upsertRow(row) {
    if (this.index?.has(row.runId)) { this.updateRow(row.runId, row); return; }
    const keep = this.viewport.scrollTop;
    this.rows.unshift(row);
    this.index = new Map(this.rows.map((r, i) => [r.runId, i]));
    this.active = Math.min(this.rows.length - 1, this.active + 1);
    this.grid.setAttribute('aria-rowcount', String(this.rows.length + 1));
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.empty.hidden = true;
    this.viewport.scrollTop = keep ? keep + ROW_HEIGHT : 0;
    this.render(true);
  }

  tick() {
    if (this.rows.some((r) => ACTIVE.has(r.state))) this.render(true);
  }

  render(force = false) {
    const h = this.viewport.clientHeight || 480;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.viewport.scrollTop + h) / ROW_HEIGHT) + OVERSCAN);
    if (force || first !== this.first || last !== this.last) {
      this.first = first; this.last = last;
      const frag = document.createDocumentFragment();
      for (let i = first; i < last; i++) frag.append(this.row(this.rows[i], i));
      this.body.replaceChildren(frag);
    }
    // Asked on every scroll, also when the window of rows did not move: a request for more that came while a
    // load was under way was dropped, and a reader already at the end would otherwise wait for it forever.
    this.checkNearEnd();
  }

  /** Tells the page it is near the last loaded row (the page loads the next page unless one is on the way). */
  checkNearEnd() {
    if (this.last >= this.rows.length - 20 && this.rows.length) this.onNearEnd?.();
  }

  row(r, i) {
    const started = r.startedAt || r.createdAt;
    const secs = ACTIVE.has(r.state) && started ? (Date.now() - Date.parse(started)) / 1000 : r.durationSeconds;
    const p = r.progress || { processed: 0, total: 0, percent: 0 };
    const box = el('input', { type: 'checkbox', 'aria-label': `select run ${r.runId}`, checked: this.selected.has(r.runId) || undefined,
      onchange: (e) => { e.target.checked ? this.selected.add(r.runId) : this.selected.delete(r.runId); this.onSelectionChange?.(this.selected); } });
    const link = el('a', { href: `/console/runs/${encodeURIComponent(r.runId)}`, class: 'run-link', title: r.runId,
      onclick: (e) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); this.onOpen(r.runId); } }, shortId(r.runId));
    const badges = (r.badges || []).map((b) => el('span', { class: `badge b-${b}` }, b === 'kev' ? 'KEV' : b));
    const bar = el('span', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': p.percent, 'aria-label': `progress of ${r.runId}` },
      el('span', { class: 'fill' }));
    bar.firstChild.style.width = `${Math.min(100, p.percent)}%`;
    const row = el('div', { class: `row${i === this.active ? ' active' : ''}${this.selected.has(r.runId) ? ' selected' : ''}`, role: 'row', 'aria-rowindex': i + 2, dataset: { runId: r.runId } },
      el('div', { class: 'cell c0', role: 'gridcell' }, box),
      el('div', { class: 'cell c1', role: 'gridcell' }, link, badges),
      el('div', { class: 'cell c2', role: 'gridcell', title: `schedule ${r.scheduleId || '—'}; mode ${r.mode}${r.retryOf ? `; retry of ${r.retryOf}` : ''}` }, r.trigger),
      el('div', { class: 'cell c3', role: 'gridcell' }, el('span', { class: `state s-${r.state}` }, r.state), r.errorCode ? el('span', { class: 'errcode' }, r.errorCode) : null),
      el('div', { class: 'cell c4', role: 'gridcell' }, bar, el('span', { class: 'ptext' }, `${pct(p.percent)} · ${p.processed}/${p.total}`)),
      el('div', { class: 'cell c5', role: 'gridcell' }, duration(secs)),
      el('div', { class: 'cell c6', role: 'gridcell', title: deltaTooltip(r.deltas) }, deltaText(r.deltas)));
    row.style.top = `${i * ROW_HEIGHT}px`;
    return row;
  }

  key(e) {
    if (!this.rows.length) return;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (e.key in moves) {
      e.preventDefault();
      this.active = Math.max(0, Math.min(this.rows.length - 1, this.active + moves[e.key]));
      const top = this.active * ROW_HEIGHT;
      if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top + ROW_HEIGHT - this.viewport.clientHeight;
      this.render(true);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.onOpen(this.rows[this.active].runId);
    } else if (e.key === ' ') {
      e.preventDefault();
      const id = this.rows[this.active].runId;
      this.selected.has(id) ? this.selected.delete(id) : this.selected.add(id);
      this.onSelectionChange?.(this.selected);
      this.render(true);
    }
  }

  domRowCount() { return this.body.children.length; }
}
