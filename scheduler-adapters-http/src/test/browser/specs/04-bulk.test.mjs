import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, BASE, env } from './helpers.mjs';

test('10,000 runs scroll with a bounded number of DOM rows', async () => {
  const b = await browser();
  try {
    const { page } = b;
    // What the page was waiting for when it stops loading: requests still open, failed ones, and the list feed's mode.
    const pending = new Map();
    const failed = [];
    const requests = [];
    page.on('request', (r) => { pending.set(r, Date.now()); requests.push(r.url().replace(BASE, '')); });
    page.on('requestfinished', (r) => pending.delete(r));
    page.on('requestfailed', (r) => { pending.delete(r); failed.push(`${r.url().replace(BASE, '')}: ${r.failure()?.errorText}`); });
    const diagnose = async () => {
      const now = Date.now();
      const open = [...pending].map(([r, t]) => `${r.url().replace(BASE, '')} (${now - t} ms)`);
      const feed = await page.evaluate(() => document.getElementById('runs-panel')?.dataset.listFeed).catch(() => '?');
      return `loaded=${await page.textContent('#loaded').catch(() => '?')} feed=${feed}\n open: ${open.join(', ') || 'none'}`
        + `\n failed: ${failed.join(', ') || 'none'}\n requests (${requests.length}): ${requests.slice(-12).join(', ')}`;
    };
    await signIn(page, env.BULK_TOKEN, BASE, '/console/runs?tab=completed');
    await page.waitForSelector('.runs-table .row[data-run-id]');
    let maxRows = 0;
    const started = Date.now();
    for (let i = 0; i < 300; i++) {
      const loaded = await page.evaluate(() => {
        const v = document.querySelector('.runs-table .viewport');
        v.scrollTop = v.scrollHeight;
        v.dispatchEvent(new Event('scroll'));
        return document.querySelector('#loaded').textContent;
      });
      maxRows = Math.max(maxRows, await page.$$eval('.runs-table .rows .row', (r) => r.length));
      if (/^10000 runs loaded$/.test(loaded)) break;
      await page.waitForTimeout(150);
    }
    const loadedText = await page.textContent('#loaded');
    if (loadedText !== '10000 runs loaded') assert.fail(`scrolling stopped loading: ${await diagnose()}`);
    console.log(`10,000 runs: all pages loaded by scrolling in ${Date.now() - started} ms; at most ${maxRows} rows in the DOM`);
    assert.equal(await page.getAttribute('.runs-table', 'aria-rowcount'), '10001');
    assert.ok(maxRows > 5 && maxRows <= 40, `DOM rows stayed bounded: ${maxRows}`);
    // the last run is reachable and opens
    await page.waitForSelector('.runs-table .row[aria-rowindex="10001"]');
    // keyboard: Home then Enter opens the first run
    await page.focus('.runs-table .viewport');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#sec-summary');
  } finally { await b.close(); }
});

test('a list reload that lands while the reader waits at the end of the list still loads the next page', async () => {
  const b = await browser();
  try {
    const { page } = b;
    // Hold the list's live stream back: its `ready` reloads the list (quietly, keeping the scroll position), and
    // the test decides when that reload lands — while the reader is at the end of the rows.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/console/runs/stream*', async (route) => { await held; await route.continue(); });
    const fetches = []; // 'first' (a page without cursor) or 'next' (a page after a cursor), in order
    page.on('request', (r) => {
      if (r.resourceType() === 'fetch' && /\/console\/runs\?/.test(r.url())) fetches.push(r.url().includes('cursor=') ? 'next' : 'first');
    });
    await signIn(page, env.BULK_TOKEN, BASE, '/console/runs?tab=completed');
    await page.waitForSelector('.runs-table .row[data-run-id]');
    const toEnd = () => page.evaluate(() => {
      const v = document.querySelector('.runs-table .viewport');
      v.scrollTop = v.scrollHeight;
      v.dispatchEvent(new Event('scroll'));
      return document.querySelector('#loaded').textContent;
    });
    for (let i = 0; i < 100 && !/^1000 /.test(await toEnd()); i++) await page.waitForTimeout(100);
    assert.match(await page.textContent('#loaded'), /^1000 runs loaded/);
    // The stream opens; its reload puts the list back to its first page while the reader stays at the end.
    const before = fetches.length;
    const reloaded = page.waitForResponse((r) => r.request().resourceType() === 'fetch' && /\/console\/runs\?/.test(r.url())
      && !r.url().includes('cursor='));
    release();
    await reloaded;
    for (let i = 0; i < 60 && !fetches.slice(before).includes('next'); i++) {
      await toEnd(); // the window of rows no longer moves: only the list itself can ask for more
      await page.waitForTimeout(100);
    }
    assert.deepEqual(fetches.slice(before, before + 2), ['first', 'next'],
      `after the reload, the next page is asked for (now: ${await page.textContent('#loaded')})`);
    for (let i = 0; i < 50 && /^500 /.test(await toEnd()); i++) await page.waitForTimeout(100);
    assert.doesNotMatch(await page.textContent('#loaded'), /^500 runs loaded/);
  } finally { await b.close(); }
});
