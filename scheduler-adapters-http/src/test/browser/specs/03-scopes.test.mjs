import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, BASE, env } from './helpers.mjs';

test('a read-only token sees cancel and retry disabled, with the reason', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.READONLY_TOKEN, BASE, '/console/runs?tab=completed');
    await page.waitForSelector('.runs-table .row[data-run-id]');
    await page.click('.runs-table .row[data-run-id] .run-link');
    await page.waitForSelector('#btn-retry');
    assert.equal(await page.isDisabled('#btn-retry'), true);
    assert.equal(await page.isDisabled('#btn-cancel'), true);
    assert.match(await page.getAttribute('#btn-retry', 'title'), /scheduler\.runs\.manage/);
    assert.ok(await page.isVisible('#readonly-note'));
    assert.match(await page.textContent('.who'), /read-only/);
  } finally { await b.close(); }
});

test('a 403 from the API is shown, not swallowed', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.NOSCOPE_TOKEN);
    await page.waitForSelector('#banner-err-list');
    const text = await page.textContent('#banner-err-list');
    assert.match(text, /403/);
    assert.match(text, /scheduler\.runs\.read/);
  } finally { await b.close(); }
});
