// The scenario library in the page: pick a lesson, read its explanation,
// open its cure, play it; and the "what scalesim models" page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, readStat, gotoFresh, nameIs } from './harness.mjs';

const site = useSite();


test('a lesson opens from the library, explains itself, and its cure opens and plays', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await nameIs(page, /two workers/);

  // Every lesson and cure is listed.
  const options = await page.locator('#library option').count();
  assert.equal(options, 46);

  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain: the slowest link/);
  const lesson = await page.locator('.lesson').textContent();
  assert.match(lesson, /Watch:/);
  assert.match(lesson, /Try:/);
  assert.match(lesson, /recommendations/);

  await page.locator('#partner').click();
  await nameIs(page, /made async/);
  assert.equal(await page.locator('#library').inputValue(), 'sync-chain-async.toml');

  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 20000 });
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="windows"]').textContent) >= 5,
    null,
    { timeout: 30000 },
  );
  // The cured chain answers in tens of milliseconds, not hundreds.
  const p99 = parseFloat(await readStat(page, 'p99'));
  assert.ok(p99 > 0 && p99 < 60, `p99 of the async chain: ${p99} ms`);

  // The models page is fetched when it is first opened.
  await page.locator('#models summary').click();
  await page.locator('#models h3').first().waitFor({ timeout: 10000 });
  const models = await page.locator('#models').textContent();
  assert.match(models, /What it simplifies/);
  assert.match(models, /The network is latency and loss/);
  await screenshot(page, 'library');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a library file that is missing is reported and the running scenario is kept', async () => {
  const page = await site.context.newPage();
  await page.route('**/scenarios/retry-storm.toml', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await gotoFresh(page, site.url);
  await nameIs(page, /two workers/);
  await page.selectOption('#library', 'retry-storm.toml');
  await page.locator('.error').waitFor({ timeout: 20000 });
  assert.match(await page.locator('.error').textContent(), /could not open retry-storm\.toml: HTTP 404/);
  // Still the demo, still playable.
  await nameIs(page, /two workers/);
  assert.equal(await page.locator('#play').isDisabled(), false);

  // The models page, fetched on opening: a failure says so, and the next
  // opening tries again.
  await page.route('**/models.md', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.locator('#models summary').click();
  await page.locator('#models [role="alert"]').waitFor({ timeout: 10000 });
  assert.match(await page.locator('#models').textContent(), /could not be loaded \(HTTP 404\)/);
  await page.unroute('**/models.md');
  await page.locator('#models summary').click();
  await page.locator('#models summary').click();
  await page.locator('#models h3').first().waitFor({ timeout: 10000 });
  assert.match(await page.locator('#models').textContent(), /What it simplifies/);
  assert.equal(await page.locator('#models [role="alert"]').count(), 0);
  await page.close();
});
