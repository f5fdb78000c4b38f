// Memory pressure in the page: the out-of-memory lesson opens, the
// inspector lists the replica's memory (sizes in MB), and the canvas draws
// each replica's memory gauge and the restarts as they happen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshotOf, nameIs } from './harness.mjs';

const site = useSite();

test('the out-of-memory lesson shows its replicas\' memory and their restarts', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(site.url);
  await nameIs(page, /two workers/);
  await page.selectOption('#library', 'oom-cascade.toml');
  await nameIs(page, /Out of memory cascades/);

  // The inspector shows the memory model, sizes in megabytes.
  const layout = JSON.parse(await page.$eval('#topology', (c) => c.getAttribute('data-layout')));
  const api = layout.items.find((i) => i.id === 'api');
  const canvas = page.locator('#topology');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + api.x, box.y + api.y);
  await page.waitForFunction(() => document.querySelector('#field-memory-limit')?.value === '1000');
  assert.equal(await page.locator('#field-memory-per_request').inputValue(), '4');

  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 20000 });
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  // Before the spike: each replica's gauge well below its limit.
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="windows"]').textContent) >= 10,
    null,
    { timeout: 60000 },
  );
  await screenshotOf(page, '.stage', 'memory-gauge-calm');
  // Past the spike's kill (about 32 s): every replica restarting.
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="windows"]').textContent) >= 34,
    null,
    { timeout: 60000 },
  );
  await page.locator('#play').click();
  await screenshotOf(page, '.stage', 'memory-gauge-restarting');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.locator('button', { hasText: 'Fit' }).click();
  await page.waitForTimeout(1500);
  await screenshotOf(page, '.stage', 'memory-gauge-narrow');
  assert.deepEqual(errors, []);
  await page.close();
});
