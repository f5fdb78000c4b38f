// The workbench in one view: while a lesson plays, the topology, the
// latency and throughput charts and the p99 figure are on screen together
// without scrolling on a laptop; a tablet and a phone get no sideways
// scrolling, one view at a time; axe-core finds no violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useSite, collectErrors, screenshot, gotoFresh, ready } from './harness.mjs';

const site = useSite();
const require = createRequire(import.meta.url);

/** Share of an element's box inside the viewport (0..1). */
function inView(page, selector) {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    return r.width * r.height > 0 ? (w * h) / (r.width * r.height) : 0;
  });
}

/** Pixels the page is wider than its viewport (0 when nothing overflows). */
function overflowX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
}

async function playLesson(page, file) {
  await gotoFresh(page, site.url);
  await ready(page);
  await page.selectOption('#library', file);
  await page.waitForFunction(
    (f) => document.querySelector('#library').value === f && document.querySelector('#play')?.disabled === false,
    file,
    { timeout: 20000 },
  );
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.click('#play');
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="windows"]').textContent) >= 4,
    null,
    { timeout: 30000 },
  );
}

for (const [width, height] of [[1280, 720], [1440, 900], [1920, 1080]]) {
  test(`at ${width}×${height} the topology, both live charts and the p99 are in view together`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await playLesson(page, 'sync-chain.toml');
    assert.equal(await page.evaluate(() => scrollY), 0);
    const topology = await inView(page, '#topology');
    assert.ok(topology >= 0.9, `topology ${Math.round(topology * 100)}% in view`);
    for (const selector of ['#latency-chart', '#throughput-chart', '[data-testid="p99"]', '#play']) {
      assert.equal(await inView(page, selector), 1, `${selector} fully in view`);
    }
    // The topology is the largest thing on the page.
    const area = (s) => page.$eval(s, (el) => { const r = el.getBoundingClientRect(); return r.width * r.height; });
    assert.ok(await area('#topology') > await area('#latency-chart'), 'topology larger than a chart');
    assert.equal(await overflowX(page), 0, 'no sideways scrolling');
    // The charts drew data, and the p99 reads in human units.
    assert.match(await page.locator('[data-testid="p99"]').textContent(), /^[\d.]+ (µs|ms|s|min)$/);
    await screenshot(page, `workbench-${width}x${height}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

for (const [width, height] of [[768, 1024], [390, 844]]) {
  test(`at ${width}×${height} every view fits the width`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await playLesson(page, 'sync-chain.toml');
    for (const view of ['topology', 'charts', 'panel']) {
      await page.click(`#view-${view}`);
      await page.waitForTimeout(300);
      await screenshot(page, `workbench-${width}x${height}-${view}`);
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`).slice(0, 5));
      assert.equal(await overflowX(page), 0, `${view}: no sideways scrolling (${wide.join(', ')})`);
      if (view === 'charts') {
        // Every chart's tab in sight, none cut off in a scrolled strip.
        const cut = await page.$$eval('.dash-more [role="tab"]', (tabs) => tabs
          .filter((t) => { const r = t.getBoundingClientRect(), bar = t.parentElement.getBoundingClientRect(); return r.right > bar.right + 0.5 || r.left < bar.left - 0.5; })
          .map((t) => t.textContent));
        assert.deepEqual(cut, [], 'chart tabs cut off');
        // Each node's state wraps as a whole, none cut at the panel's edge.
        const clipped = await page.$$eval('.node-state', (spans) => spans
          .filter((n) => n.getBoundingClientRect().right > n.closest('.dash-cell').getBoundingClientRect().right + 0.5)
          .map((n) => n.textContent));
        assert.deepEqual(clipped, [], 'node states cut off');
      }
    }
    // The topology view shows the canvas at a usable size.
    await page.click('#view-topology');
    const box = await page.locator('#topology').boundingBox();
    assert.ok(box.width >= width - 40 && box.height >= 300, `canvas ${box.width}×${box.height}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('axe-core finds no violations on the workbench', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  await playLesson(page, 'sync-chain.toml');
  await page.click('#play');
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const check = () => page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  });
  assert.deepEqual(await check(), [], 'lesson tab');
  await page.click('#tab-inspector');
  await page.click('#tab-formulas');
  assert.deepEqual(await check(), [], 'inspector and formula tabs');
  await page.close();
});

test('dark mode: the page, the canvas and the charts follow prefers-color-scheme', async () => {
  const page = await site.context.newPage();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await playLesson(page, 'sync-chain.toml');
  const corner = (selector) => page.$eval(selector, (c) => [...c.getContext('2d').getImageData(2, 2, 1, 1).data].slice(0, 3));
  // Wait for a chart drawn in the dark scheme.
  await page.waitForFunction(() => {
    const c = document.querySelector('#latency-chart');
    const [r, g, b] = c.getContext('2d').getImageData(2, 2, 1, 1).data;
    return r + g + b < 150;
  }, null, { timeout: 10000 });
  for (const selector of ['#topology', '#latency-chart', '#throughput-chart']) {
    const [r, g, b] = await corner(selector);
    assert.ok(r + g + b < 150, `${selector} is dark: rgb(${r}, ${g}, ${b})`);
  }
  const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.match(body, /rgb\((\d{1,2}), (\d{1,2}), (\d{1,2})\)/, `the page is dark: ${body}`);
  await screenshot(page, 'workbench-1280x720-dark');
  await page.close();
});

/** Plays the retry storm at 1.6× its load until it has collapsed: from
 * about 27 s no request is answered, and the status line names the
 * database in a long sentence. */
async function collapse(page) {
  await page.selectOption('#library', 'retry-storm.toml');
  await page.waitForFunction(() => /retry storm/i.test(document.querySelector('[data-testid="scenario-name"]').textContent));
  await ready(page);
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.click('#play');
  await page.focus('#load-multiplier');
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^db is /.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 60000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 45, null, { timeout: 60000 });
}

for (const [width, height] of [[1280, 720], [390, 844]]) {
  test(`at ${width}×${height} a long status line never moves the canvas, and shows whole on hover or focus`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await gotoFresh(page, site.url);
    await ready(page);
    // Where the canvas is in the document, whatever the scroll.
    const canvasAt = () => page.evaluate(() => {
      const box = document.querySelector('#topology').getBoundingClientRect();
      return [Math.round(box.top + scrollY), Math.round(box.height)];
    });
    const before = await canvasAt();
    await page.evaluate(() => {
      window.__canvasMoves = [];
      const at = () => Math.round(document.querySelector('#topology').getBoundingClientRect().top + scrollY);
      const first = at();
      window.__canvasWatch = new MutationObserver(() => {
        if (at() !== first) window.__canvasMoves.push(`${at()}: ${document.querySelector('.figures')?.innerText}`);
      });
      window.__canvasWatch.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await collapse(page);
    const moves = await page.evaluate(() => { window.__canvasWatch.disconnect(); return window.__canvasMoves; });
    assert.deepEqual(moves.slice(0, 3), [], 'the canvas moved while the strip filled in');
    assert.deepEqual(await canvasAt(), before);
    // The sentence is longer than its lines: cut short, and whole on hover.
    const status = page.locator('[data-testid="status"]');
    const cut = () => status.evaluate((p) => p.scrollHeight > p.clientHeight + 1);
    assert.ok(await cut(), 'the long sentence is cut short');
    await status.hover();
    assert.ok(!(await cut()), 'hovered, it shows whole');
    assert.deepEqual(await canvasAt(), before, 'shown whole over what is below');
    await screenshot(page, `newcomer-status-${width}`);
    await page.mouse.move(1, height - 1);
    await status.focus();
    assert.ok(!(await cut()), 'focused (a tap), it shows whole');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the latency read-out says where no request was answered, in the axes\' units', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await collapse(page);
  // A mouse resting on the chart while it plays: the read-out follows the
  // chart as it redraws (the axis grows, so the time under the mouse does).
  const rest = await page.locator('#latency-chart').boundingBox();
  await page.mouse.move(rest.x + rest.width * 0.9, rest.y + rest.height / 2);
  const readNow = () => page.locator('[data-testid="readout-latency-chart"]').textContent();
  const first = await readNow();
  assert.match(first, /^at [\d.]+ s: /);
  await page.waitForFunction((old) => document.querySelector('[data-testid="readout-latency-chart"]').textContent !== old, first, { timeout: 10000 });
  await page.click('#play'); // pause: the axes stay put while the mouse moves
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Play');
  await page.waitForTimeout(500);
  const box = await page.locator('#latency-chart').boundingBox();
  const reads = [];
  for (let k = 0; k <= 60; k++) {
    await page.mouse.move(box.x + (box.width * k) / 60, box.y + box.height / 2);
    const text = (await page.locator('[data-testid="readout-latency-chart"]').textContent()).trim();
    if (text) reads.push(text);
  }
  const values = reads.filter((t) => / p50 /.test(t));
  const gaps = reads.filter((t) => /no request answered/.test(t));
  assert.ok(values.length >= 5 && gaps.length >= 10, reads.join('\n'));
  for (const t of values) {
    assert.match(t, /^at [\d.]+ s: p50 [\d.]+ (µs|ms|s), p99 [\d.]+ (µs|ms|s), p99\.9 [\d.]+ (µs|ms|s)/, t);
  }
  // Past the last answer nothing reads as a value: each gap names where
  // the answers stopped, the last window that had any (at or after the
  // last one the mouse met).
  const last = Math.max(...values.map((t) => Number(/^at ([\d.]+) s/.exec(t)[1])));
  const since = new Set();
  for (const t of gaps) {
    const m = /^at ([\d.]+) s: no request answered since ([\d.]+) s$/.exec(t);
    assert.ok(m && Number(m[1]) > Number(m[2]) && Number(m[2]) >= last, `${t} (last value at ${last} s)`);
    since.add(m[2]);
  }
  assert.equal(since.size, 1, [...since].join(', '));
  assert.ok(reads.indexOf(gaps[0]) > reads.lastIndexOf(values.at(-1)), 'the values come first, then the gap');
  await screenshot(page, 'newcomer-readout-gap');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 390×844 a component tapped on the canvas offers its parameters, a tap away', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  const details = page.locator('#show-details');
  assert.equal(await details.isVisible(), false, 'nothing selected, nothing offered');
  // The canvas publishes its layout once it has drawn the scenario.
  await page.waitForFunction(
    () => JSON.parse(document.querySelector('#topology')?.getAttribute('data-layout') || '{"items":[]}')
      .items.some((i) => i.id === 'api'),
    null,
    { timeout: 15000 },
  );
  const layout = JSON.parse(await page.$eval('#topology', (c) => c.getAttribute('data-layout')));
  const api = layout.items.find((i) => i.id === 'api');
  const box = await page.locator('#topology').boundingBox();
  await page.mouse.click(box.x + api.x, box.y + api.y);
  await details.waitFor({ state: 'visible' });
  await details.click();
  await page.locator('#view-panel[aria-pressed="true"]').waitFor();
  await page.waitForFunction(() => document.querySelector('#rename')?.value === 'api');
  assert.ok(await page.locator('#rename').isVisible(), 'the inspector is in view');
  await screenshot(page, 'newcomer-details-390');
  // On a laptop the inspector is beside the canvas: no such button.
  await page.setViewportSize({ width: 1280, height: 720 });
  assert.equal(await details.isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});
