// Shared set-up for the browser specs: Debian's chromium through playwright-core (never a downloaded browser),
// headless, a fresh profile per browser, and the servers/tokens ConsoleBrowserTest passes in the environment.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const env = process.env;
export const BASE = env.BASE_URL;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export async function browser() {
  const profile = mkdtempSync(join(tmpdir(), 'console-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS, viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

export async function signIn(page, token, base = BASE, path = '/console/runs') {
  await page.goto(base + path);
  await page.fill('#token', token);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#sign-out');
}

export async function api(path, token, { method = 'GET', body, base = BASE } = {}) {
  const res = await fetch(base + path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' }, body: body && JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP needs no exception). */
export async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}

export function screenshotPath(name) {
  const dir = env.SCREENSHOT_DIR;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
