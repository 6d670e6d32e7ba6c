import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { browser, signIn, api, BASE, env } from './helpers.mjs';

/** A pass-through proxy that can cut every open stream, as a restarting server or a dropped link would. */
async function cuttingProxy({ blockStreams = false } = {}) {
  const target = new URL(BASE);
  const open = new Set();
  const resumes = [];
  const server = http.createServer((req, res) => {
    const isStream = req.url.includes('/stream');
    if (isStream && blockStreams) { res.writeHead(503, { 'Content-Type': 'text/plain' }); res.end('stream unavailable'); return; }
    if (isStream) resumes.push(req.headers['last-event-id'] || new URL(req.url, 'http://x').searchParams.get('lastEventId') || null);
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
      if (isStream) { const pair = { res, up }; open.add(pair); res.on('close', () => open.delete(pair)); }
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    resumes,
    cut() { const n = open.size; for (const { res, up } of open) { res.socket?.destroy(); up.destroy(); } return n; },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

test('the stream cut mid-run resumes with Last-Event-ID and no progress is missed or applied twice', async () => {
  const proxy = await cuttingProxy();
  const b = await browser();
  try {
    const { page } = b;
    const created = await api('/api/v1/scheduler/runs', env.ACME_TOKEN, { method: 'POST', body: { selector: { scope: 'all-images' }, reason: 'resume test' } });
    assert.equal(created.status, 201);
    const runId = created.json.id;
    await signIn(page, env.ACME_TOKEN, proxy.url, `/console/runs/${encodeURIComponent(runId)}`);
    await page.waitForFunction(() => Number(document.getElementById('drawer')?.dataset.lastEventId || 0) > 0);
    const cut = proxy.cut();
    assert.ok(cut >= 1, 'an open stream was cut');
    await page.waitForFunction(() => document.getElementById('drawer-state')?.textContent === 'completed', null, { timeout: 60_000 });
    await page.waitForFunction(() => document.getElementById('run-progress')?.getAttribute('aria-valuenow') === '100');
    const events = [];
    for (let after = 0; ;) {
      const page1 = await api(`/console/runs/${encodeURIComponent(runId)}/events?after=${after}&limit=1000`, env.ACME_TOKEN);
      events.push(...page1.json.events);
      if (page1.json.events.length < 1000) break;
      after = page1.json.lastEventId;
    }
    const last = events[events.length - 1].id;
    const progress = events.filter((e) => e.event === 'segmentProgress').map((e) => e.data.runProcessed);
    const backwards = progress.filter((v, i) => i > 0 && v < progress[i - 1]).length;
    console.log(`server segmentProgress events: ${progress.length}, runProcessed steps backwards: ${backwards} (${progress.join(',')})`);
    await page.waitForFunction((n) => Number(document.getElementById('drawer').dataset.lastEventId) === n, last, { timeout: 15_000 });
    const ds = await page.evaluate(() => ({ ...document.getElementById('drawer').dataset }));
    assert.equal(Number(ds.eventsApplied), events.length, 'every event applied exactly once');
    assert.ok(proxy.resumes.some((r) => r && Number(r) > 0), `a reconnect carried Last-Event-ID: ${JSON.stringify(proxy.resumes)}`);
    const segs = await page.$$eval('table.segments tbody tr', (rows) => rows.map((r) => r.querySelector('.state').textContent));
    assert.ok(segs.length > 1 && segs.every((s) => s === 'completed'), `segments: ${segs}`);
  } finally { await b.close(); await proxy.close(); }
});

test('a stream that cannot be reached falls back to polling with the offline banner, and progress still arrives', async () => {
  const proxy = await cuttingProxy({ blockStreams: true });
  const b = await browser();
  try {
    const { page } = b;
    // Three runs at once share the two workers, so the watched one lasts long enough to see the fallback.
    let runId;
    for (let i = 0; i < 3; i++) {
      const created = await api('/api/v1/scheduler/runs', env.ACME_TOKEN, { method: 'POST', body: { selector: { scope: 'all-images' }, reason: `polling test ${i}` } });
      assert.equal(created.status, 201);
      runId = created.json.id;
    }
    await signIn(page, env.ACME_TOKEN, proxy.url, `/console/runs/${encodeURIComponent(runId)}?poll=2`);
    await page.waitForSelector('#banner-offline', { timeout: 30_000 });
    assert.match(await page.textContent('#banner-offline'), /live stream is unreachable.*Polling every 2 s/);
    await page.waitForFunction(() => document.getElementById('drawer-state')?.textContent === 'completed', null, { timeout: 60_000 });
    assert.equal(await page.getAttribute('#run-progress', 'aria-valuenow'), '100');
  } finally { await b.close(); await proxy.close(); }
});
