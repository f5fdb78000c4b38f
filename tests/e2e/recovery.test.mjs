// The worker never takes the page down: when it fails (here an uncaught
// error thrown inside it, as a Wasm trap would be), the page says so in
// words, keeps what was on screen, and restarts only when asked (never
// into the same failure), with the user's last good scenario, edits
// included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, gotoFresh, nameIs, ready, readStat, quantityOf } from './harness.mjs';

const site = useSite();

test('a failed worker is reported in words, restarted when asked, and the edited scenario comes back', async () => {
  const page = await site.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await gotoFresh(page, site.url);
  await ready(page);
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await page.click('#tab-inspector');
  await page.locator('#change').fill('api.workers = 123');
  await page.locator('#apply').click();
  await page.waitForFunction(() => /api: \d+\/123 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''));

  const worker = page.workers().find((w) => w.url().includes('worker.js'));
  assert.ok(worker, 'the simulation worker is running');
  await worker.evaluate(() => { setTimeout(() => { throw new Error('injected failure'); }, 0); });

  const crash = page.locator('[data-testid="crash"]');
  await crash.waitFor({ timeout: 20000 });
  assert.match(await crash.textContent(), /stopped with an internal error \(.*injected failure\).*edits and the seed are kept/);
  // Nothing restarts on its own: what was on screen stays, Play waits.
  await page.waitForTimeout(1000);
  assert.equal(await page.locator('#play').isDisabled(), true);
  assert.equal(page.workers().filter((w) => w.url().includes('worker.js')).length, 0, 'the dead worker is gone, none started');
  assert.match(await readStat(page, 'node-states'), /api: \d+\/123 busy/);
  await page.click('#respawn');
  // A fresh worker runs the same scenario, with the edit.
  await page.waitForFunction(
    () => /api: \d+\/123 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''),
    null,
    { timeout: 20000 },
  );
  await nameIs(page, /synchronous chain/);
  await ready(page);
  assert.ok(page.workers().some((w) => w !== worker && w.url().includes('worker.js')), 'a new worker');
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 2, null, { timeout: 20000 });
  assert.ok(quantityOf(await readStat(page, 'events')) > 0);
  assert.deepEqual(pageErrors, []);
  await page.close();
});
