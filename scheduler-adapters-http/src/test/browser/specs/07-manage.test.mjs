import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, api, env } from './helpers.mjs';

test('cancel and retry ask for confirmation; retry opens the new run with retryOf', async () => {
  const b = await browser();
  try {
    const { page } = b;
    const created = await api('/api/v1/scheduler/runs', env.ACME_TOKEN, { method: 'POST', body: { selector: { scope: 'all-images' }, reason: 'to be cancelled' } });
    const runId = created.json.id;
    await signIn(page, env.ACME_TOKEN, undefined, `/console/runs/${encodeURIComponent(runId)}`);
    await page.waitForSelector('#btn-cancel:not([disabled])');
    await page.click('#btn-cancel');
    await page.waitForSelector('dialog.confirm[open]');
    await page.click('dialog.confirm button:not(.primary)'); // dismiss: nothing happens
    await page.waitForSelector('dialog.confirm', { state: 'detached' });
    assert.notEqual((await api(`/api/v1/scheduler/runs/${encodeURIComponent(runId)}`, env.ACME_TOKEN)).json.state, 'cancelled');

    await page.click('#btn-cancel');
    await page.click('dialog.confirm button.primary');
    await page.waitForFunction(() => document.getElementById('drawer-state')?.textContent === 'cancelled', null, { timeout: 30_000 });
    assert.equal((await api(`/api/v1/scheduler/runs/${encodeURIComponent(runId)}`, env.ACME_TOKEN)).json.state, 'cancelled');

    await page.waitForSelector('#btn-retry:not([disabled])');
    await page.click('#btn-retry');
    await page.click('dialog.confirm button.primary');
    await page.waitForFunction((old) => decodeURIComponent(location.pathname) !== `/console/runs/${old}` && location.pathname.startsWith('/console/runs/run'), runId);
    const newId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    await page.waitForSelector('#sec-summary');
    assert.match(await page.textContent('#sec-summary'), new RegExp(`Retry of${runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal((await api(`/api/v1/scheduler/runs/${encodeURIComponent(newId)}`, env.ACME_TOKEN)).json.retryOf, runId);
  } finally { await b.close(); }
});
