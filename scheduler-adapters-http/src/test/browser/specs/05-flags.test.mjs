import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, env } from './helpers.mjs';

test('runs.sse.enabled=false: offline banner, polling, and the manual run form gives a CLI command; retry off; bundles on', async () => {
  const b = await browser();
  try {
    const { page } = b;
    await signIn(page, env.FLAGS_TOKEN, env.FLAGS_URL, '/console/runs?tab=completed&poll=2');
    await page.waitForSelector('#banner-offline');
    assert.match(await page.textContent('#banner-offline'), /runs\.sse\.enabled=false.*Polling every 2 s.*snapshot/);
    await page.click('.runs-table .row[data-run-id] .run-link');
    await page.waitForSelector('#btn-retry');
    assert.equal(await page.isDisabled('#btn-retry'), true);
    assert.match(await page.getAttribute('#btn-retry', 'title'), /runs\.retry\.enabled=false/);
    assert.ok(await page.isVisible('#bundle-link'), 'bundle download offered when runs.evidenceBundles is on');
    assert.match(await page.textContent('.live'), /polling|finished/);
    await page.keyboard.press('Escape');
    await page.click('#btn-manual');
    await page.fill('#m-reason', 'offline');
    await page.click('#manual-form button[type=submit]');
    await page.waitForSelector('#manual-cli');
    assert.match(await page.textContent('#manual-cli'), /curl .*\/api\/v1\/scheduler\/runs/);
  } finally { await b.close(); }
});

test('runs.dashboard.enabled=false: the page says the dashboard is off', async () => {
  const b = await browser();
  try {
    await signIn(b.page, env.OFF_TOKEN, env.OFF_URL);
    await b.page.waitForSelector('#dashboard-off');
    assert.match(await b.page.textContent('#dashboard-off'), /runs\.dashboard\.enabled=false/);
  } finally { await b.close(); }
});
