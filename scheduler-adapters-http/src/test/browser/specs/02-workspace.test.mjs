import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, api, axe, screenshotPath, BASE, env } from './helpers.mjs';

test('tabs and filters round-trip through the URL (reload and back button)', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN);
    await page.click('#tab-completed');
    await page.waitForFunction(() => location.search.includes('tab=completed'));
    await page.selectOption('#f-trigger', 'cron');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction(() => location.search.includes('trigger=cron'));
    await page.waitForFunction(() => document.querySelectorAll('.runs-table .row[data-run-id]').length === 2);
    const triggers = await page.$$eval('.runs-table .row[data-run-id] .c2', (cs) => cs.map((c) => c.textContent));
    assert.deepEqual(triggers, ['cron', 'cron']);

    await page.reload();
    await page.waitForSelector('#sign-out');
    assert.equal(await page.getAttribute('#tab-completed', 'aria-selected'), 'true');
    assert.equal(await page.inputValue('#f-trigger'), 'cron');
    await page.waitForFunction(() => document.querySelectorAll('.runs-table .row[data-run-id]').length === 2);

    await page.click('#tab-failures');
    await page.waitForFunction(() => location.search.includes('tab=failures'));
    await page.goBack();
    await page.waitForFunction(() => location.search.includes('tab=completed'));
    assert.equal(await page.getAttribute('#tab-completed', 'aria-selected'), 'true');

    // keyboard: arrow keys move between tabs
    await page.focus('#tab-completed');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.search.includes('tab=scheduled'));
  } finally { await b.close(); }
});

test('the failures tab shows the error code and the drawer every section, deep-linkable', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN, BASE, '/console/runs?tab=failures');
    await page.waitForSelector('.runs-table .row[data-run-id]');
    assert.match(await page.textContent('.runs-table .row[data-run-id] .c3'), /error\s*ERR_RUN_005/);
    await page.click('#tab-completed');
    // The failures tab's rows stay on screen until the completed tab's page arrives: wait for that page (its seeded
    // failed run is manual too, and picking it would wait for a row that goes away).
    await page.waitForFunction(() => {
      const states = [...document.querySelectorAll('.runs-table .row[data-run-id] .c3')].map((c) => c.textContent);
      return states.length > 0 && states.every((t) => !/error/.test(t));
    });
    // the seeded manual run has segments, deltas and logs
    const rows = await page.$$eval('.runs-table .row[data-run-id]', (rs) => rs.map((r) => ({ id: r.dataset.runId, trig: r.querySelector('.c2').textContent })));
    const manual = rows.find((r) => r.trig === 'manual');
    await page.click(`.row[data-run-id="${manual.id}"] .run-link`);
    await page.waitForSelector('#sec-logs');
    assert.equal(decodeURIComponent(new URL(page.url()).pathname), `/console/runs/${manual.id}`);
    for (const s of ['summary', 'progress', 'segments', 'deltas', 'evidence', 'logs']) {
      assert.ok(await page.isVisible(`#sec-${s}`), `section ${s} visible`);
    }
    assert.match(await page.textContent('#sec-summary'), /Correlation ID/);
    assert.equal(await page.$$eval('.phases .phase', (p) => p.length), 4);
    assert.ok((await page.$$eval('table.segments tbody tr', (t) => t.length)) >= 1);
    await page.waitForSelector('table.files tbody tr');
    assert.ok((await page.$$eval('table.files tbody tr', (t) => t.length)) >= 1, 'evidence files listed');
    assert.ok((await page.$$eval('#log-list li', (l) => l.length)) >= 1, 'logs listed');
    assert.ok(await page.isVisible('#bundle-off'), 'bundles are off on this server and the page says so');
    assert.equal(await page.getAttribute('#run-progress', 'aria-valuenow'), '100');

    const shot = screenshotPath('detail.png');
    await page.evaluate(() => { document.getElementById('drawer').scrollTop = 0; });
    if (shot) await page.screenshot({ path: shot });

    await page.reload();
    await page.waitForSelector('#sec-logs');
    assert.match(await page.textContent('#drawer-title'), new RegExp(manual.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => location.pathname === '/console/runs');
  } finally { await b.close(); }
});

test('a manual run appears and its progress moves live, reaching 100 % exactly at completion', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN);
    await page.click('#btn-manual');
    await page.selectOption('#m-scope', 'by-namespace');
    await page.fill('#m-ns', 'payments');
    await page.fill('#m-reason', 'browser suite live run');
    await page.click('#manual-form button[type=submit]');
    await page.waitForSelector('#run-progress');
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    assert.match(runId, /^run:acme:/);
    await page.waitForSelector(`.runs-table .row[data-run-id="${runId}"]`);
    // Record every progress value the drawer shows, with the run state at that moment.
    await page.evaluate(() => {
      window.__seen = [];
      const bar = document.getElementById('run-progress');
      const note = () => window.__seen.push({ v: Number(document.getElementById('run-progress').getAttribute('aria-valuenow')), s: document.getElementById('drawer-state').textContent });
      note();
      new MutationObserver(note).observe(document.getElementById('drawer'), { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'], childList: true, characterData: true });
    });
    await page.waitForFunction(() => document.getElementById('drawer-state')?.textContent === 'completed', null, { timeout: 60_000 });
    await page.waitForFunction(() => document.getElementById('run-progress')?.getAttribute('aria-valuenow') === '100');
    const seen = await page.evaluate(() => window.__seen);
    const values = [...new Set(seen.map((x) => x.v))];
    assert.ok(values.some((v) => v > 0 && v < 100), `intermediate progress seen live: ${values}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].v >= seen[i - 1].v, `never goes backwards: ${seen.map((x) => `${x.v}/${x.s}`).join(' ')}`);
    const early = seen.filter((x) => x.v >= 100 && !['completed', 'running'].includes(x.s));
    assert.equal(early.length, 0, 'no 100 % outside completion');
    const api100 = await api(`/console/runs/${encodeURIComponent(runId)}`, env.ACME_TOKEN);
    assert.equal(api100.json.progress.percent, 100);
    assert.equal(api100.json.summary.state, 'completed');
    assert.match(await page.textContent('#run-progress-text'), new RegExp(`100.0 % · ${api100.json.progress.processed}/${api100.json.progress.total}`));
  } finally { await b.close(); }
});

test('the preview modal shows the same count as the API', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN);
    await page.click('#btn-preview');
    await page.fill('#preview-keys', 'pkg:npm/lodash@4.17.20');
    await page.click('#preview button[type=submit]');
    await page.waitForSelector('#preview-total');
    const expected = await api('/api/v1/scheduler/preview', env.ACME_TOKEN, { method: 'POST', body: { purls: ['pkg:npm/lodash@4.17.20'] } });
    assert.equal(expected.status, 200);
    assert.equal(Number(await page.textContent('#preview-total')), expected.json.total);
    assert.equal(expected.json.total, 40);
  } finally { await b.close(); }
});

test('axe-core finds no serious or critical violation; dashboard screenshot', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN, BASE, '/console/runs?tab=completed');
    await page.waitForSelector('.runs-table .row[data-run-id]');
    await page.waitForFunction(() => document.querySelector('#card-queue .v')?.textContent !== '—');
    await page.waitForFunction(() => /planner heartbeat \d/.test(document.getElementById('ticker').textContent));
    const shot = screenshotPath('dashboard.png');
    if (shot) await page.screenshot({ path: shot });
    const serious = (vs, where) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ where, ...v }));
    const bad = serious(await axe(page), 'dashboard');
    const first = await page.getAttribute('.runs-table .row[data-run-id] .run-link', 'href');
    await page.goto(BASE + first);
    await page.waitForSelector('#sec-logs');
    bad.push(...serious(await axe(page), 'drawer'));
    await page.goto(BASE + '/console/runs');
    await page.click('#sign-out');
    await page.waitForSelector('#signin-form');
    bad.push(...serious(await axe(page), 'sign-in'));
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
  } finally { await b.close(); }
});
