import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browser, signIn, env } from './helpers.mjs';

test('multi-select (mouse and Space) enables the export of exactly the selected runs', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.ACME_TOKEN, undefined, '/console/runs?tab=completed');
    await page.waitForSelector('.runs-table .row[data-run-id]');
    assert.equal(await page.isDisabled('#btn-export'), true);
    const ids = await page.$$eval('.runs-table .row[data-run-id]', (rs) => rs.map((r) => r.dataset.runId));
    await page.check(`.row[data-run-id="${ids[0]}"] input[type=checkbox]`);
    await page.focus('.runs-table .viewport');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    assert.equal(await page.textContent('#selection'), '2 selected');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[0], /^runId,trigger,state/);
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]).sort(), [ids[0], ids[1]].sort());
  } finally { await b.close(); }
});
