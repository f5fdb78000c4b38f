// The walking skeleton end to end: the built page, served from a sub-path,
// starts its worker, plays, and plots streamed frames live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, readStat, msOf } from './harness.mjs';

const site = useSite();

/** Counts canvas pixels that are neither white nor transparent. */
async function drawnPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) inked++;
    }
    return inked;
  });
}

/** Pixels of the p99 series' red (plotters' RED = rgb(255, 0, 0)). */
async function redPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let red = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 200 && data[i + 1] < 80 && data[i + 2] < 80) red++;
    }
    return red;
  });
}

test('page served from a sub-path plays the worker simulation and plots it live', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  const response = await page.goto(site.url);
  assert.equal(response.status(), 200);
  assert.match(await page.title(), /scalesim/);

  const play = page.locator('#play');
  await play.waitFor();
  // Enabled once the worker has said Ready: the worker really started.
  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 20000 });
  // The charts come with the scenario, which loads just after.
  await page.locator('#latency-chart').waitFor();
  const redBefore = await redPixels(page, '#latency-chart');

  await page.locator('button.speed', { hasText: '10×' }).click();
  await play.click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="windows"]').textContent) >= 8,
    null,
    { timeout: 30000 },
  );
  assert.equal((await play.textContent()).trim(), 'Pause');

  // Streamed frames arrive while the page stays responsive: a main-thread
  // task measured from the page answers promptly.
  const lag = await page.evaluate(() => new Promise((ok) => {
    const t0 = performance.now();
    setTimeout(() => ok(performance.now() - t0), 0);
  }));
  assert.ok(lag < 200, `main thread answered after ${lag} ms`);

  // The chart drew the p99 series.
  assert.ok(await drawnPixels(page, '#latency-chart') > 2000, 'chart has axes and series');
  const redAfter = await redPixels(page, '#latency-chart');
  assert.ok(redAfter > redBefore + 100, `p99 line drawn (${redBefore} → ${redAfter} red pixels)`);

  // Plausible numbers for M/M/2 at ρ = 0.75 with 1 ms service: mean sojourn
  // 2.29 ms; p99 a few ms; throughput the arrival rate.
  const p99 = parseFloat(await readStat(page, 'p99'));
  const p50 = parseFloat(await readStat(page, 'p50'));
  const throughput = parseFloat(await readStat(page, 'throughput'));
  const utilization = parseFloat(await readStat(page, 'utilization'));
  assert.ok(p50 > 0.5 && p50 < 5, `p50 ${p50} ms`);
  assert.ok(p99 > 3 && p99 < 40, `p99 ${p99} ms`);
  assert.ok(p99 > p50, 'p99 above p50');
  assert.ok(throughput > 1200 && throughput < 1800, `throughput ${throughput}/s`);
  assert.ok(utilization > 60 && utilization < 90, `utilization ${utilization}%`);

  // Pause stops the clock.
  await play.click();
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Play');
  const t1 = await readStat(page, 'sim-time');
  await page.waitForTimeout(400);
  assert.equal(await readStat(page, 'sim-time'), t1, 'clock stands still when paused');

  await screenshot(page, 'skeleton-playing');
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});

test('the load slider changes the running simulation live', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 20000 });
  await page.locator('button.speed', { hasText: '100×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 3);
  // 10^0.2 ≈ 1.58× the load: past the two workers' capacity, so the queue
  // grows and p99 climbs far above its value at 1× (read with its unit:
  // at 100× the run reaches its 120 s, where it pauses, with waits in
  // seconds).
  const p99Before = msOf(await readStat(page, 'p99'));
  await page.locator('#load-multiplier').fill('0.2');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="rate"]').textContent) > 2150);
  const deadline = Date.now() + 20000;
  let p99 = p99Before;
  while (!(p99 > p99Before * 5) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    p99 = msOf(await readStat(page, 'p99'));
  }
  assert.ok(p99 > p99Before * 5, `p99 ${p99} ms, ${p99Before} ms before`);
  await screenshot(page, 'skeleton-overload');
  assert.deepEqual(errors, []);
  await page.close();
});
