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
