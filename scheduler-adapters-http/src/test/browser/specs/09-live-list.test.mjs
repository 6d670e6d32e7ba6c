import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { browser, signIn, api, BASE, env } from './helpers.mjs';

const rowState = (runId) => document.querySelector(`.runs-table .row[data-run-id="${CSS.escape(runId)}"] .state`)?.textContent;

test('a run started through the API appears in the list and advances to completed without a reload or a poll', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN);
    await page.waitForSelector('#runs-panel[data-list-feed="live"]', { timeout: 15_000 });
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.waitForTimeout(500); // the reload that `ready` asks for
    let listReads = 0;
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/console/runs' && r.resourceType() === 'fetch') listReads++; });

    const created = await api('/api/v1/scheduler/runs', env.ACME_TOKEN, { method: 'POST', body: { selector: { scope: 'all-images' }, reason: 'live list test' } });
    assert.equal(created.status, 201);
    const runId = created.json.id;
    await page.waitForFunction(rowState, runId, { timeout: 15_000 });
    const seen = new Set();
    const states = [];
    for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
      const s = await page.evaluate(rowState, runId);
      if (s && !seen.has(s)) { seen.add(s); states.push(s); }
      if (s === 'completed') break;
      await page.waitForTimeout(100);
    }
    assert.equal(states.at(-1), 'completed', `states seen: ${states}`);
    const ptext = await page.textContent(`.runs-table .row[data-run-id="${runId}"] .ptext`);
    assert.match(ptext, /^100.* · (\d+)\/\1$/, ptext);
    assert.ok(await page.evaluate(() => window.__sameDocument), 'the page was not reloaded');
    assert.equal(listReads, 0, 'the list was not fetched again: the stream carried the changes');
    assert.ok(Number(await page.getAttribute('#runs-panel', 'data-list-events')) >= 2);
  } finally { await b.close(); }
});

/**
 * A proxy whose list streams can be frozen: open ones stay connected but nothing more reaches the browser, and new
 * ones wait unanswered until thawed — a link that went quiet.
 */
async function freezingProxy() {
  const target = new URL(BASE);
  const streams = new Set();
  const resumes = [];
  let held = null;
  const server = http.createServer((req, res) => {
    const isListStream = new URL(req.url, 'http://x').pathname === '/console/runs/stream';
    if (isListStream && held) { held.push(() => forward(req, res, isListStream)); return; }
    forward(req, res, isListStream);
  });
  function forward(req, res, isListStream) {
    if (isListStream) resumes.push(req.headers['last-event-id'] || new URL(req.url, 'http://x').searchParams.get('lastEventId') || null);
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
      if (isListStream) { const s = { ur, res }; streams.add(s); res.on('close', () => { streams.delete(s); ur.destroy(); }); }
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  }
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    resumes,
    freeze() { held = []; const n = streams.size; for (const s of streams) { s.ur.unpipe(s.res); s.ur.pause(); } streams.clear(); return n; },
    thaw() { const h = held || []; held = null; h.forEach((f) => f()); return h.length; },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

test('heartbeat banner: a list stream gone silent shows the banner, reconnects with Last-Event-ID and clears it', async () => {
  const proxy = await freezingProxy();
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN, proxy.url);
    await page.waitForSelector('#runs-panel[data-list-feed="live"]', { timeout: 15_000 });
    assert.equal(await page.$('#banner-stream-stalled'), null, 'no banner while heartbeats arrive');
    assert.ok(proxy.freeze() >= 1, 'an open list stream was frozen');
    const t0 = Date.now();
    await page.waitForSelector('#banner-stream-stalled', { timeout: 20_000 });
    assert.ok(Date.now() - t0 >= 2000, 'not before three heartbeat intervals of silence');
    assert.match(await page.textContent('#banner-stream-stalled'), /no heartbeat from the server for \d+s/);
    await page.waitForTimeout(4000); // still silent: the banner stays while the reconnect goes unanswered
    assert.ok(await page.$('#banner-stream-stalled'), 'the banner stays while the stream is silent');
    proxy.thaw();
    await page.waitForSelector('#banner-stream-stalled', { state: 'detached', timeout: 20_000 });
    assert.ok(proxy.resumes.slice(1).some((r) => r && r.startsWith('1.')), `the reconnect carried the last event ID: ${JSON.stringify(proxy.resumes)}`);
    assert.equal(await page.getAttribute('#runs-panel', 'data-list-feed'), 'live');
  } finally { await b.close(); await proxy.close(); }
});

test('heartbeat banner: a planner heartbeat older than 90 s shows the warning, and it clears when the planner beats again', async () => {
  const b = await browser();
  try {
    const { page } = b;
    let stale = true;
    // The server reports the planner's heartbeat age; pretend the planner stalled two minutes ago.
    await page.route('**/console/queue*', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      if (stale) body.planner.heartbeatAgeSeconds = 125;
      await route.fulfill({ response: res, json: body });
    });
    await signIn(page, env.ACME_TOKEN);
    await page.waitForSelector('#banner-heartbeat', { timeout: 15_000 });
    assert.match(await page.textContent('#banner-heartbeat'), /No planner heartbeat for 2m \d\ds \(over 90 s\)/);
    stale = false;
    await page.waitForSelector('#banner-heartbeat', { state: 'detached', timeout: 20_000 }); // the queue is re-read every 10 s
  } finally { await b.close(); }
});
