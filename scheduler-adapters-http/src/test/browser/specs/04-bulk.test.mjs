import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, BASE, env } from './helpers.mjs';

test('10,000 runs scroll with a bounded number of DOM rows', async () => {
  const b = await browser();
  try {
    const { page } = b;
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
    assert.equal(await page.textContent('#loaded'), '10000 runs loaded');
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
