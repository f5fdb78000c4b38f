// The live charts and controls: every chart draws as the worker streams,
// the hover read-out reports values, a live change moves the numbers,
// Step advances one window, Restart starts over with a new seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, readStat, pixelsAppear, openMenu, gotoFresh, ready } from './harness.mjs';

const site = useSite();

const windows = async (page) => Number(await readStat(page, 'windows'));

test('every chart draws live, reads out on hover, and answers a live change', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 20000 });
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 6, null, { timeout: 30000 });

  // Green "ok" band on the throughput chart; a line on each per-node chart.
  assert.ok(await pixelsAppear(page, '#throughput-chart', [22, 163, 74], 500) > 500, 'ok band drawn');
  assert.ok(await pixelsAppear(page, '#utilization-chart', [29, 78, 216], 100) > 100, 'utilization line drawn');
  assert.ok(await pixelsAppear(page, '#latency-chart', [124, 58, 237], 50) > 50, 'p99.9 line drawn');

  // Hover read-out.
  const chart = page.locator('#throughput-chart');
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  await chart.hover({ position: { x: box.width * 0.6, y: box.height * 0.5 } });
  await page.waitForFunction(() => document.querySelector('[data-testid="readout-throughput-chart"]').textContent.startsWith('at '), null, { timeout: 5000 });
  const readout = await readStat(page, 'readout-throughput-chart');
  assert.match(readout, /^at [\d.]+ s: ok \d+\/s, degraded \d+\/s/);

  // The frame's snapshot: node states now.
  assert.match(await readStat(page, 'node-states'), /requests? in flight .* api: \d+\/2 busy, \d+ queued, 1 replica/);

  // The formula check: the station is an M/M/2 queue.
  await page.click('#tab-formulas');
  await page.locator('[data-testid="formulas"]').waitFor({ timeout: 20000 });
  const formulas = await page.locator('[data-testid="formulas"]').textContent();
  assert.match(formulas, /Little's law/);
  assert.match(formulas, /M\/M\/2 mean time in node/);
  // In the page's units, as the strip reads them: "2.3 ms", "75%".
  assert.doesNotMatch(formulas, /\d\.\d{4}/, formulas);
  assert.match(formulas, /\d ms/);

  // Live change: twice the workers, half the utilization.
  const before = parseFloat(await readStat(page, 'utilization'));
  assert.ok(before > 60, `utilization before: ${before}%`);
  await page.click('#tab-inspector');
  await page.fill('#change', 'api.workers = 4');
  await page.locator('#apply').click();
  await page.waitForFunction(() => /^Applied at [\d.]+ s: api\.workers = 4$/.test(document.querySelector('[data-testid="change-outcome"]')?.textContent ?? ''), null, { timeout: 10000 });
  const appliedAt = await windows(page);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="windows"]').textContent) >= n + 3, appliedAt, { timeout: 30000 });
  const after = parseFloat(await readStat(page, 'utilization'));
  assert.ok(after < 45, `utilization after the change: ${after}%`);
  // The change is marked on the time charts, named in their text alternative.
  assert.match(await page.locator('#latency-chart').getAttribute('aria-label'), /^User latency per window\. A live change at [\d.]+ s\.$/);
  await screenshot(page, 'charts');

  // A cure reads at once: the load raised far past capacity until the
  // waits run to seconds, then lowered; the latency chart turns to a log
  // scale, so the cured p99 stands clear of the axis beside the old peak.
  const slider = page.locator('#load-multiplier');
  await slider.focus();
  // The arrows step the slider off 1× and back (the range input's own step
  // is finer than its snapping there).
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent === '1.1×');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent === '1×');
  // Presses faster than the worker's answers are each counted.
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent === '1.5×');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent === '1×');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => / s$/.test(document.querySelector('[data-testid="p99"]').textContent), null, { timeout: 30000 });
  await slider.focus();
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent === '1×');
  await page.waitForFunction(() => / ms$/.test(document.querySelector('[data-testid="p99"]').textContent)
    && parseFloat(document.querySelector('[data-testid="p99"]').textContent) < 50, null, { timeout: 30000 });
  const cured = await windows(page);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="windows"]').textContent) >= n + 4, cured, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('#latency-chart').dataset.yScale === 'log', null, { timeout: 5000 });
  assert.match(await page.locator('#latency-chart').getAttribute('aria-label'), /^User latency per window, on a log scale\. Live changes at /);
  // The red p99 line at the right end stands in the upper three quarters
  // of the canvas, not along its bottom axis.
  await page.waitForTimeout(600);
  const lift = await page.$eval('#latency-chart', (canvas) => {
    const { width, height } = canvas;
    const { data } = canvas.getContext('2d').getImageData(Math.floor(width * 0.9), 0, Math.floor(width * 0.08), height);
    const w = Math.floor(width * 0.08);
    let lowest = null;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 200 && data[i + 1] < 60 && data[i + 2] < 60) lowest = Math.max(lowest ?? 0, Math.floor(i / 4 / w));
    }
    return lowest === null ? null : 1 - lowest / height;
  });
  assert.ok(lift !== null && lift > 0.25, `the cured p99 line stands at ${lift} of the chart's height`);
  await screenshot(page, 'uxleft-cure-log');

  // A bad change is refused in words and the run goes on.
  await page.click('#tab-inspector');
  await page.fill('#change', 'api.wrokers = 4');
  await page.locator('#apply').click();
  // Said under the form, where the user looks, not at the canvas's foot.
  const outcome = page.locator('[data-testid="change-outcome"]');
  await page.waitForFunction(() => /^Not applied/.test(document.querySelector('[data-testid="change-outcome"]')?.textContent ?? ''), null, { timeout: 10000 });
  assert.match(await outcome.textContent(), /^Not applied: [\s\S]*wrokers/);
  assert.equal(await page.locator('.error').count(), 0);

  // Step: paused, exactly one more window.
  await page.locator('#play').click();
  await page.waitForFunction(() => document.querySelector('#play').textContent.includes('Play'));
  const paused = await windows(page);
  await page.locator('#step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="windows"]').textContent) === n + 1, paused, { timeout: 10000 });

  // Restart with another seed: back to time zero.
  await openMenu(page, '#menu-run');
  await page.fill('#seed', '99');
  await page.locator('#restart').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) === 0, null, { timeout: 10000 });
  assert.equal(await readStat(page, 'sim-time'), '0.0 s');
  await page.waitForFunction(() => !/live change/.test(document.querySelector('#latency-chart').getAttribute('aria-label')), null, { timeout: 5000 });
  assert.deepEqual(errors, []);
  await page.close();
});

/** The simulated instants of the run's live changes, from the latency
 * chart's text alternative ("A live change at 2.0 s." or "Live changes at
 * 1.0 s, 2.0 s and 3.0 s."). */
async function liveChanges(page) {
  const label = await page.locator('#latency-chart').getAttribute('aria-label');
  const listed = label.match(/(?:A live change|Live changes) at ([^.]*(?:\.\d[^.]*)*)\./);
  return listed ? listed[1].split(/, | and /) : [];
}

test('one drag of the load slider is one live change; arrow keys pressed together are one too', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 1, null, { timeout: 20000 });
  // A mouse drag from 1× most of the way up, in twelve moves: the label
  // follows the thumb, the run changes once, when it is let go.
  const s = await page.locator('#load-multiplier').boundingBox();
  const y = s.y + s.height / 2;
  await page.mouse.move(s.x + s.width * 0.25, y);
  await page.mouse.down();
  const passed = new Set();
  for (let k = 1; k <= 12; k++) {
    await page.mouse.move(s.x + s.width * (0.25 + 0.05 * k), y);
    await page.waitForTimeout(40);
    passed.add(await readStat(page, 'load-multiplier'));
  }
  await page.mouse.up();
  assert.ok(passed.size >= 6, `the label followed the thumb: ${[...passed]}`);
  const dragged = await readStat(page, 'load-multiplier');
  await page.waitForFunction((m) => document.querySelector('[data-testid="load-multiplier"]').dataset.inForce === m, dragged, { timeout: 5000 });
  await page.waitForFunction(() => /live change/i.test(document.querySelector('#latency-chart').getAttribute('aria-label')), null, { timeout: 10000 });
  assert.equal((await liveChanges(page)).length, 1, await page.locator('#latency-chart').getAttribute('aria-label'));
  // Five presses in quick succession: the slider steps at once, the run
  // changes once they pause.
  await page.locator('#load-multiplier').focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  const keyed = await readStat(page, 'load-multiplier');
  await page.waitForFunction((m) => document.querySelector('[data-testid="load-multiplier"]').dataset.inForce === m, keyed, { timeout: 5000 });
  await page.waitForFunction(() => /^Live changes/.test(document.querySelector('#latency-chart').getAttribute('aria-label').split('. ')[1] ?? ''), null, { timeout: 10000 });
  await page.waitForTimeout(1000);
  assert.equal((await liveChanges(page)).length, 2, await page.locator('#latency-chart').getAttribute('aria-label'));
  await screenshot(page, 'load-drag-one-change');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 390×844 the load slider takes its row, and a short finger drag is a small change', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  const s = await page.locator('#load-multiplier').boundingBox();
  const clock = await page.locator('.clock').boundingBox();
  console.log(`# load slider at 390 px: ${s.width.toFixed(0)} px`);
  assert.ok(s.width >= 180, `the slider is ${s.width} px wide`);
  assert.ok(Math.abs(clock.y - s.y) < 8, 'the clock stays on its row');
  // A finger on the thumb (1×, a quarter of the way along its 0.1×–1000×),
  // 29 px to the right.
  const [x0, y] = [s.x + 8 + (s.width - 16) * 0.25, s.y + s.height / 2];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y }] });
  for (let k = 1; k <= 6; k++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 + (29 * k) / 6, y }] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').dataset.inForce !== '1×', null, { timeout: 5000 });
  const m = parseFloat(await readStat(page, 'load-multiplier'));
  assert.ok(m > 1 && m <= 6, `29 px moved the load to ${m}×`);
  await screenshot(page, 'load-slider-390');
  assert.deepEqual(errors, []);
  await page.close();
});
