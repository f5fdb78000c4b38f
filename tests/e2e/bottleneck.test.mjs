// A caller whose workers wait on a busy callee is flat out too, and by its
// own figures it looks like the one saturated; the status names the
// callee as the bottleneck and the caller as waiting on it, and the
// canvas labels them so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, gotoFresh, ready, nameIs, readStat, collectErrors, screenshot } from './harness.mjs';

const site = useSite();

const CHAIN = `[scenario]
name = "api waits on db"
duration = "5m"

[[load]]
id = "users"
target = "api"
rate = 500

[[node]]
id = "api"
kind = "service"
workers = 20
service_time = { dist = "exp", mean = "2ms" }
  [[node.call]]
  to = "db"

[[node]]
id = "db"
kind = "database"
workers = 4
service_time = { dist = "exp", mean = "10ms" }
`;

test('the status blames the busy callee, not the caller waiting on it', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#import').setInputFiles({ name: 'chain.toml', mimeType: 'text/plain', buffer: Buffer.from(CHAIN) });
  await nameIs(page, /api waits on db/);
  // The library list names the user's file rather than showing a lesson.
  assert.equal(await page.locator('#library option:checked').textContent(), 'Your file: chain.toml');
  await page.locator('#play').click();
  await page.waitForFunction(
    () => /bottleneck/.test(document.querySelector('[data-testid="status"]').textContent),
    null,
    { timeout: 30000 },
  );
  const status = await readStat(page, 'status');
  assert.match(status, /^db is the bottleneck: every worker busy, finishing about \d+ req\/s; api waits on it, and its queue grows by/);
  assert.doesNotMatch(status, /api is saturated/);
  await screenshot(page, 'bottleneck-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'bottleneck-390');
  assert.deepEqual(errors, []);
  await page.close();
});
