// Request traces in the app, in one page load: the sync-chain lesson
// plays with traces on; the slowest request of a window opens as a
// waterfall whose critical path runs through recommendations, its path
// lit on the canvas; "where the p99 goes" puts the tail on
// recommendations, and after the call is moved to the background (the
// inspector's lane switch) on the api's own path; File ▸ Traces (OTLP)
// downloads the protocol's JSON. Screenshots at 1280×720 and 390 px wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useSite, collectErrors, screenshot, screenshotOf, gotoFresh, ready, nameIs, openMenu } from './harness.mjs';

const site = useSite();
const require = createRequire(import.meta.url);

const windows = (page) => page.$eval('[data-testid="windows"]', (e) => Number(e.textContent));
const summary = (page) => page.$eval('[data-testid="tail-summary"]', (e) => e.textContent);
/** The tail table's rows: [component, phase, slowest 1% ms]. */
const tailRows = (page) => page.$$eval('#tail-table tbody tr', (rows) => rows.map((r) => {
  const [c, p] = r.querySelector('th').textContent.split(', ');
  return [c, p, parseFloat(r.querySelector('td').textContent)];
}));
const share = (rows, component) => {
  const total = rows.reduce((s, r) => s + (r[2] || 0), 0);
  return rows.filter((r) => r[0] === component).reduce((s, r) => s + (r[2] || 0), 0) / total;
};

test('the slowest request, where the p99 goes, its change after the lane switch, and the OTLP export', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await ready(page);
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 6, null, { timeout: 30000 });

  // Where the p99 goes: the tail is recommendations, in service.
  await page.click('#tab-tail');
  await page.waitForSelector('[data-testid="tail-summary"]', { timeout: 15000 });
  assert.match(await summary(page), /at recommendations, mostly in service/);
  await page.click('.tail-table summary');
  const before = await tailRows(page);
  assert.ok(share(before, 'recommendations') > 0.8, `tail before: ${JSON.stringify(before)}`);
  assert.equal(await page.$eval('#tail-chart', (c) => c.getAttribute('role')), 'img');

  // The slowest request of the window, by keyboard.
  await page.focus('#tab-request');
  await page.keyboard.press('Enter');
  await page.locator('#pick-slowest').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#waterfall', { timeout: 10000 });
  const path = await page.textContent('[data-testid="critical-path"]');
  assert.match(path, /Critical path: .*api.*recommendations/);
  const title = await page.textContent('#waterfall-title');
  assert.match(title, /^Request \d+ from \S+: [\d.]+ ms, ok \(window \d+\)$/);
  // Each row reads as text: the recommendations visit, its phases, on the path.
  const recs = page.locator('.wf-row.visit.critical', { hasText: 'recommendations' }).first();
  assert.match(await recs.textContent(), /recommendations \(replica \d+\).*queued .* in service .* on the critical path/);
  // The path is lit on the canvas (its orange halo).
  const lit = await page.$eval('#topology', (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 232) < 30 && Math.abs(data[i + 1] - 89) < 30 && data[i + 2] < 60) n++;
    return n;
  });
  assert.ok(lit > 200, `lit pixels: ${lit}`);
  await screenshot(page, 'traces-1280');
  await screenshotOf(page, '.side', 'traces-waterfall-1280');
  // The Request tab and the p99 split (with its table) pass axe-core.
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  });
  assert.deepEqual(violations, [], 'the waterfall and the p99 split');

  // Move recommendations to the background: the tail becomes the api's own path.
  await page.click('#tab-inspector');
  await page.locator('.component-list button', { hasText: 'recommendations' }).click();
  await page.click('#lane-toggle');
  await page.waitForFunction(() => document.querySelector('#lane-toggle')?.textContent.includes('request path'), null, { timeout: 10000 });
  const switched = await windows(page);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="windows"]').textContent) >= n + 4, switched, { timeout: 30000 });
  await page.click('#tab-tail');
  await page.waitForFunction(() => !/at recommendations/.test(document.querySelector('[data-testid="tail-summary"]')?.textContent ?? 'at recommendations'), null, { timeout: 20000 });
  if (!(await page.$eval('.tail-table', (d) => d.open))) await page.click('.tail-table summary');
  const after = await tailRows(page);
  assert.equal(share(after, 'recommendations'), 0, `tail after: ${JSON.stringify(after)}`);
  assert.ok(share(after, 'api') + share(after, 'payments') > 0.99, `tail after: ${JSON.stringify(after)}`);
  await screenshotOf(page, '.dashboard', 'traces-p99-after-async-1280');

  // File ▸ Traces (OTLP): the protocol's shape, ids in hex.
  await openMenu(page, '#menu-file');
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), page.click('#export-traces')]);
  assert.match(file.suggestedFilename(), /^sync-chain-traces\.json$/);
  const otlp = JSON.parse(await readFile(await file.path(), 'utf8'));
  const spans = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  assert.ok(spans.length > 50, `${spans.length} spans`);
  for (const s of spans) {
    assert.match(s.traceId, /^[0-9a-f]{32}$/);
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    assert.match(s.parentSpanId, /^([0-9a-f]{16})?$/);
    assert.match(s.startTimeUnixNano, /^\d+$/);
  }
  const services = otlp.resourceSpans.map((r) => r.resource.attributes.find((a) => a.key === 'service.name').value.stringValue);
  assert.ok(services.includes('recommendations') && services.includes('api'), services.join());
  await page.click('#menu-file');

  // A phone: the Request tab in the panel view, readable.
  await page.click('#tab-request');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#view-panel');
  await page.waitForSelector('#waterfall');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling: ${overflow}`);
  await screenshot(page, 'traces-390-request');
  await page.click('#view-charts');
  await page.click('#tab-tail');
  await screenshot(page, 'traces-390-p99');
  assert.deepEqual(errors, []);
  await page.close();
});
