import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, signIn, BASE, env } from './helpers.mjs';

test('sign in with a pasted token: HttpOnly SameSite=Strict session cookie, bad token shown, sign-out', async () => {
  const b = await browser();
  try {
    const { page, context } = b;
    await page.goto(`${BASE}/console/runs`);
    await page.waitForSelector('#signin-form');
    await page.fill('#token', 'not-a-token');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#signin-error:not([hidden])');
    assert.match(await page.textContent('#signin-error'), /401/);

    await page.fill('#token', env.ACME_TOKEN);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#sign-out');
    assert.match(await page.textContent('#tenant-badge'), /acme/);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'vs_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(cookie.expires > Date.now() / 1000 + 3000, 'expires with the token (1 h)');
    assert.equal(await page.evaluate(() => document.cookie.includes('vs_session')), false, 'script cannot read the cookie');
    assert.equal(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)).then((s) => s.includes('eyJ')), false, 'token not stored');

    await page.click('#sign-out');
    await page.waitForSelector('#signin-form');
    assert.equal((await context.cookies()).filter((c) => c.name === 'vs_session').length, 0);
  } finally { await b.close(); }
});

test('a one-click deep link keeps its path through sign-in', async () => {
  const b = await browser();
  try {
    await signIn(b.page, env.ACME_TOKEN, BASE, '/console/runs?tab=failures');
    await b.page.waitForSelector('.runs-table .row[data-run-id]');
    assert.equal(await b.page.getAttribute('#tab-failures', 'aria-selected'), 'true');
  } finally { await b.close(); }
});
