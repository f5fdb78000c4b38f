// Exports as a user makes them, on one page load: while comparing, every
// File menu export and chart image is the variant on screen and says which
// in its name (B's CSV has B's numbers, A's has A's); a chart's PNG is the
// SVG's size at twice the pixels, with title and legend drawn in; a
// cancelled sweep says so, and the curve left on screen is labelled as the
// previous sweep's, also while the new one runs; the A against B and
// scaling charts' images are named by the scenario too, and a PNG that
// cannot be made says so on the page. Screenshots at 1280×720 and 390 px
// wide.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { useSite, collectErrors, screenshot, nameIs, ready, openMenu, ARTIFACTS } from './harness.mjs';

const site = useSite();
let page;
let errors;

after(async () => page?.close());

/** Clicks `selector` and returns the downloaded file's name and bytes. */
async function download(selector) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), page.locator(selector).first().click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** The mean p99 (ms) of a windows CSV's last `n` rows. */
function tailP99(csv, n = 4) {
  const rows = csv.trim().split('\n');
  const column = rows[0].split(',').indexOf('p99_ms');
  const tail = rows.slice(-n).map((r) => Number(r.split(',')[column]));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

test('comparing: File ▸ CSV and every other export are the variant on screen, named A or B', async () => {
  page = await site.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  errors = collectErrors(page);
  await page.goto(site.url);
  await ready(page);
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await ready(page);
  await page.locator('#compare').click();
  await page.locator('#edit-b[aria-pressed="true"]').waitFor();
  // B: recommendations into the background.
  await page.click('#tab-inspector');
  await page.locator('.component-list button', { hasText: 'service recommendations' }).click();
  await page.locator('#lane-toggle').click();
  await page.waitForFunction(() => document.querySelector('#lane-toggle')?.textContent.includes('request path'), null, { timeout: 20000 });
  await page.locator('button.speed', { hasText: '100×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 12, null, { timeout: 60000 });
  await page.locator('#play').click();

  await openMenu(page, '#menu-file');
  const b = await download('#export-csv');
  assert.equal(b.name, 'sync-chain-B-metrics.csv');
  await openMenu(page, '#menu-file');
  const summaryB = await download('#export-summary');
  assert.equal(summaryB.name, 'sync-chain-B-summary.json');
  await openMenu(page, '#menu-file');
  assert.equal((await download('#export-toml')).name, 'sync-chain-B.toml');
  const pngB = await download('.time-chart:has(#latency-chart) .png');
  assert.equal(pngB.name, 'sync-chain-B-latency.png');
  assert.equal((await download('.time-chart:has(#latency-chart) .svg')).name, 'sync-chain-B-latency.svg');
  // A against B holds both variants: the scenario's name, no letter.
  await page.click('#tab-compare');
  assert.equal((await download('.time-chart:has(#compare-latency-chart) .png')).name, 'sync-chain-compare-latency.png');
  assert.equal((await download('.time-chart:has(#compare-goodput-chart) .svg')).name, 'sync-chain-compare-goodput.svg');

  // Share ▸ Embed takes the variant being edited too: B, edited, as a link
  // holding its text; A, the lesson as shipped, by name.
  const embedded = async () => {
    await openMenu(page, '#menu-share');
    await page.click('#embed-button');
    await page.locator('.embed-dialog').waitFor();
    const snippet = await page.inputValue('#embed-snippet');
    await page.click('#embed-close');
    return snippet;
  };
  assert.match(await embedded(), /\?embed=1[^"]*#v2\./, 'B embeds as a link');

  await page.locator('#edit-a').click();
  await page.locator('#edit-a[aria-pressed="true"]').waitFor();
  assert.match(await embedded(), /\?embed=1&amp;scenario=sync-chain\.toml"/, 'A embeds by name');
  await openMenu(page, '#menu-file');
  const a = await download('#export-csv');
  assert.equal(a.name, 'sync-chain-A-metrics.csv');
  await openMenu(page, '#menu-file');
  const summaryA = await download('#export-summary');
  assert.equal(summaryA.name, 'sync-chain-A-summary.json');
  const [textA, textB] = [a.bytes.toString('utf8'), b.bytes.toString('utf8')];
  assert.notEqual(textA, textB, 'A and B export different runs');
  const [p99A, p99B] = [tailP99(textA), tailP99(textB)];
  console.log(`# p99 over the last 4 windows: A ${p99A.toFixed(1)} ms, B ${p99B.toFixed(1)} ms`);
  // The lesson's point: in the background, recommendations leave the p99.
  assert.ok(p99A > 3 * p99B, `A's p99 ${p99A} ms against B's ${p99B} ms`);
  const [jsonA, jsonB] = [JSON.parse(summaryA.bytes), JSON.parse(summaryB.bytes)];
  assert.ok(jsonA.latency_ms.p99 > jsonB.latency_ms.p99, 'the summaries are each variant\'s');
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, 'exports-sync-chain-A-metrics.csv'), textA);
  await writeFile(join(ARTIFACTS, 'exports-sync-chain-B-metrics.csv'), textB);
  await screenshot(page, 'exports-compare-1280');
  await page.locator('#close-compare').click();
});

test('a chart\'s PNG is the SVG\'s size at twice the pixels, with its title and legend', async () => {
  const png = await download('.time-chart:has(#latency-chart) .png');
  assert.equal(png.name, 'sync-chain-latency.png', 'one variant again: the scenario\'s name alone');
  await writeFile(join(ARTIFACTS, 'exports-latency.png'), png.bytes);
  const look = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    // Dark pixels (text) in the title band, centred above the plot.
    let title = 0;
    for (let y = 0; y < 60; y++) {
      for (let x = 500; x < 1100; x++) {
        const i = 4 * (y * bitmap.width + x);
        if (data[i] < 140 && data[i + 1] < 140 && data[i + 2] < 160) title++;
      }
    }
    // A legend swatch: a solid 20 px square of the p50 line's blue
    // (palette colour 0), which no 3 px line draws.
    const blue = (x, y) => {
      const i = 4 * (y * bitmap.width + x);
      return Math.abs(data[i] - 29) < 30 && Math.abs(data[i + 1] - 78) < 30 && Math.abs(data[i + 2] - 216) < 30;
    };
    let swatch = null;
    for (let y = 40; y < 400 && !swatch; y += 2) {
      for (let x = 80; x < 600 && !swatch; x += 2) {
        let solid = true;
        for (let dy = 0; dy < 20 && solid; dy++) for (let dx = 0; dx < 20 && solid; dx++) solid = blue(x + dx, y + dy);
        if (solid) swatch = [x, y];
      }
    }
    return { size: [bitmap.width, bitmap.height], corner: [...data.subarray(0, 3)], title, swatch };
  }, png.bytes.toString('base64'));
  assert.deepEqual(look.size, [1600, 840]);
  assert.deepEqual(look.corner, [255, 255, 255], 'on white, as the SVG');
  assert.ok(look.title > 300, `title drawn: ${look.title} dark pixels`);
  assert.ok(look.swatch, 'a legend swatch near the upper left');
});

test('a cancelled sweep says so, and the curve left is labelled as the previous sweep\'s', async () => {
  await page.click('#tab-scaling');
  // The form says in words what it will do, as it is typed.
  const words = page.locator('[data-testid="sweep-words"]');
  await page.locator('#sweep-param').fill('');
  await page.locator('#sweep-param').pressSequentially('load.users.rate=50');
  assert.match(await words.textContent(), /^Write what to vary/);
  await page.locator('#sweep-param').pressSequentially('..400:4');
  await page.fill('#sweep-runs', '1');
  await page.fill('#sweep-seconds', '5');
  assert.equal(await words.textContent(),
    'Tries the rate of the users load at 4 values from 50 to 400 requests/s (50, 167, 283, 400), 1 run of 5 s at each: 4 runs.');
  await page.locator('.sweep').scrollIntoViewIfNeeded();
  await screenshot(page, 'polish-sweep-words-1280');
  await page.locator('#sweep-run').click();
  await page.locator('[data-testid="knee"]').waitFor({ timeout: 60000 });
  const caption = page.locator('[data-testid="sweep-caption"]');
  assert.equal(await caption.textContent(), 'Sweep of load.users.rate=50..400:4, 1 run a point, 5 s a run.');
  // The curve's images are named by the scenario, as the other exports.
  assert.equal((await download('.time-chart:has(#sweep-latency-chart) .png')).name, 'sync-chain-sweep-latency.png');
  assert.equal((await download('.time-chart:has(#sweep-goodput-chart) .svg')).name, 'sync-chain-sweep-goodput.svg');
  await page.fill('#sweep-param', 'load.users.rate=100..20000:12');
  await page.fill('#sweep-runs', '2');
  await page.fill('#sweep-seconds', '120');
  await page.locator('#sweep-run').click();
  await page.locator('#sweep-progress').waitFor({ timeout: 10000 });
  // While it runs, the old curve is marked as the previous sweep's.
  assert.equal(await caption.textContent(), 'Previous sweep: load.users.rate=50..400:4, 1 run a point, 5 s a run.');
  assert.equal(await page.locator('.sweep-result.previous').count(), 1);
  await screenshot(page, 'exports-sweep-running-1280');
  await page.locator('#sweep-cancel').click();
  const note = page.locator('[data-testid="sweep-note"]');
  await note.waitFor({ timeout: 10000 });
  assert.match(await note.textContent(), /^Cancelled after \d+ of 24 runs \(load\.users\.rate=100\.\.20000:12, 2 runs a point, 120 s a run\)\.$/);
  assert.equal(await page.locator('#sweep-progress').count(), 0);
  assert.match(await caption.textContent(), /^Previous sweep: load\.users\.rate=50\.\.400:4/);
  await page.locator('.sweep').scrollIntoViewIfNeeded();
  await screenshot(page, 'exports-sweep-cancelled-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#view-charts');
  await page.locator('.sweep').scrollIntoViewIfNeeded();
  await screenshot(page, 'exports-sweep-cancelled-390');
  assert.deepEqual(errors, []);
});

test('a PNG that cannot be made says so beside the chart, in words', async () => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.evaluate(() => {
    window.__toDataURL = HTMLCanvasElement.prototype.toDataURL;
    HTMLCanvasElement.prototype.toDataURL = () => { throw new Error('refused'); };
  });
  const chart = page.locator('.time-chart:has(#latency-chart)');
  await chart.locator('.png').click();
  const alert = chart.locator('.chart-export-error[role="alert"]');
  await alert.waitFor({ timeout: 5000 });
  assert.equal(await alert.textContent(), 'The PNG could not be made: the browser refused to encode it.');
  await screenshot(page, 'polish-png-failed-1280');
  await page.evaluate(() => { HTMLCanvasElement.prototype.toDataURL = window.__toDataURL; });
  assert.equal((await download('.time-chart:has(#latency-chart) .png')).name, 'sync-chain-latency.png');
  assert.equal(await alert.count(), 0, 'a download that works clears it');
  assert.deepEqual(errors, []);
});
