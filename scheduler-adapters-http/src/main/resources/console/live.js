// A run's live feed: its SSE stream (with the session cookie, which EventSource sends on its own), resumed with
// Last-Event-ID after a cut, reconnecting with exponential backoff; when streams are switched off
// (runs.sse.enabled=false) or keep failing, the polling endpoint every 30 s instead. Events are applied once, in
// id order, whichever way they came.
import { get, href } from './api.js';

export const EVENTS = ['stateChanged', 'segmentProgress', 'deltaSummary', 'log'];
const FAILURES_BEFORE_POLLING = 3;

export class RunFeed {
  constructor(runId, { sse, pollMs, onEvent, onMode, after = 0, terminal = false }) {
    this.runId = runId;
    this.sse = sse;
    this.pollMs = pollMs;
    this.onEvent = onEvent;
    this.onMode = onMode;
    this.last = after;
    this.failures = 0;
    this.closed = false;
    this.finished = terminal;
    sse ? this.connect() : this.poll();
  }

  apply(id, name, data) {
    if (id <= this.last) return;
    this.last = id;
    this.applied++;
    this.onEvent(name, data, id);
    if (name === 'stateChanged' && ['completed', 'cancelled', 'error'].includes(data.state)) this.finished = true;
  }

  connect() {
    if (this.closed) return;
    const url = href(`/console/runs/${encodeURIComponent(this.runId)}/stream${this.last ? `?lastEventId=${this.last}` : ''}`);
    const es = new EventSource(url, { withCredentials: true });
    this.es = es;
    es.onopen = () => { this.failures = 0; this.onMode('live'); };
    for (const name of EVENTS) {
      es.addEventListener(name, (e) => {
        this.failures = 0;
        try { this.apply(Number(e.lastEventId), name, JSON.parse(e.data)); } catch { /* a malformed frame is skipped */ }
      });
    }
    es.onerror = () => {
      if (this.closed) return;
      // A finished run's stream ends after its last event: that is the end, not a failure.
      if (this.finished) { es.close(); this.catchUp().then(() => this.onMode('ended')); return; }
      // CLOSED: the server ended the stream (204 after the last event) or refused it. Catch up by polling
      // once — that tells a finished run from a lost stream — then reconnect with backoff unless finished.
      if (es.readyState === EventSource.CLOSED || ++this.failures >= FAILURES_BEFORE_POLLING) {
        es.close();
        this.catchUp().then((terminal) => {
          if (terminal || this.closed) { this.onMode(terminal ? 'ended' : 'closed'); return; }
          this.failures++;
          if (this.failures >= FAILURES_BEFORE_POLLING) { this.onMode('polling'); this.schedulePoll(); return; }
          const delay = Math.min(30_000, 1000 * 2 ** (this.failures - 1));
          this.onMode('reconnecting');
          this.retryTimer = setTimeout(() => this.connect(), delay);
        });
      } else {
        this.onMode('reconnecting');
      }
    };
  }

  /** Fetches every event after the last one applied; true when the run is terminal and nothing is left. */
  async catchUp() {
    try {
      for (;;) {
        const page = await get(`/console/runs/${encodeURIComponent(this.runId)}/events?after=${this.last}&limit=1000`);
        for (const ev of page.events) this.apply(ev.id, ev.event, ev.data);
        if (page.events.length < 1000) return page.terminal;
      }
    } catch {
      return false;
    }
  }

  async poll() {
    if (this.closed) return;
    this.onMode('polling');
    const terminal = await this.catchUp();
    this.snapshotAt = new Date();
    if (terminal) { this.onMode('ended'); return; }
    this.schedulePoll();
  }

  schedulePoll() {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      // Keep trying the stream now and then when it is enabled but was unreachable.
      if (this.sse && ++this.polls % 2 === 0) { this.failures = 0; this.connect(); return; }
      this.poll();
    }, this.pollMs);
  }

  close() {
    this.closed = true;
    this.es?.close();
    clearTimeout(this.retryTimer);
    clearTimeout(this.pollTimer);
  }
}
RunFeed.prototype.polls = 0;
RunFeed.prototype.applied = 0;

// The runs list's live feed: the tenant's stream of run changes (/console/runs/stream). Each runChanged frame is a
// run's current row; its id is the server's cursor, which EventSource sends back as Last-Event-ID when it
// reconnects (and we pass as ?lastEventId= when we reconnect ourselves), so nothing is missed or repeated. A fresh
// connection starts with `ready` (the list is reloaded then: changes before it are in the reload, changes after it
// come as frames). Named heartbeats prove the stream alive: when they stop for 3 intervals, onStall is told and the
// stream is reopened. After repeated failures (or a reset) the list falls back to polling (`live` turns false).
const STALL_INTERVALS = 3;

export class ListFeed {
  constructor({ onRow, onReload, onMode, onStall }) {
    this.onRow = onRow;
    this.onReload = onReload;
    this.onMode = onMode;
    this.onStall = onStall;
    this.last = null;
    this.failures = 0;
    this.live = false;
    this.closed = false;
    this.applied = 0;
    this.stallMs = 30_000;
    this.watchdog = setInterval(() => this.check(), 1000);
    this.connect();
  }

  connect() {
    if (this.closed) return;
    this.es?.close();
    const url = href(`/console/runs/stream${this.last ? `?lastEventId=${encodeURIComponent(this.last)}` : ''}`);
    const es = new EventSource(url, { withCredentials: true });
    this.es = es;
    this.beatAt = Date.now();
    const seen = (e) => { if (e.lastEventId) this.last = e.lastEventId; this.beatAt = Date.now(); };
    es.addEventListener('ready', (e) => {
      seen(e);
      this.failures = 0;
      let data = {};
      try { data = JSON.parse(e.data); } catch { /* defaults */ }
      this.stallMs = Math.max(3000, STALL_INTERVALS * 1000 * (data.heartbeatSeconds || 10));
      this.live = true;
      this.stalled = false;
      this.onStall(null);
      this.onMode('live');
      if (!data.resumed) this.onReload();
    });
    es.addEventListener('heartbeat', (e) => {
      seen(e);
      if (this.stalled) { this.stalled = false; this.onStall(null); }
    });
    es.addEventListener('runChanged', (e) => {
      seen(e);
      try { this.onRow(JSON.parse(e.data)); this.applied++; } catch { /* a malformed frame is skipped */ }
    });
    es.addEventListener('reset', () => { es.close(); this.fallBack(); });
    es.onerror = () => {
      if (this.closed) return;
      this.live = false;
      if (es.readyState !== EventSource.CLOSED && ++this.failures < FAILURES_BEFORE_POLLING) { this.onMode('reconnecting'); return; }
      es.close();
      if (++this.failures >= FAILURES_BEFORE_POLLING) { this.fallBack(); return; }
      this.onMode('reconnecting');
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.connect(), Math.min(30_000, 1000 * 2 ** (this.failures - 1)));
    };
  }

  /** Polling takes over (the page's 30 s reload); the stream is tried again now and then. */
  fallBack() {
    this.live = false;
    this.onMode('polling');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { this.failures = FAILURES_BEFORE_POLLING - 1; this.connect(); }, 60_000);
  }

  check() {
    if (this.closed || !this.live) return;
    const silent = Date.now() - this.beatAt;
    if (silent > this.stallMs) {
      this.stalled = true;
      this.onStall(silent / 1000);
      // A link that went quiet without closing (a proxy, a suspended laptop): reopen from where we are. The
      // banner stays until the new stream says `ready`.
      this.connect();
    }
  }

  close() {
    this.closed = true;
    this.es?.close();
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
  }
}
