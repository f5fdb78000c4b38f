// Nothing the user needs is covered or cut short: the run's notices over
// the canvas's foot leave every component in view (and clickable), and the
// view grows back when they go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, gotoFresh, nameIs, ready } from './harness.mjs';

const site = useSite();

/** A component's box on the canvas, in `topology_layout::NODE_W` ×
 * `NODE_H` world units. */
const BOX = [132, 58];

/** The canvas's layout (positions in CSS px within the canvas). */
async function layoutOf(page) {
  return JSON.parse(await page.$eval('#topology', (c) => c.getAttribute('data-layout')));
}

/** Waits until `check(layout)` holds; returns that layout. */
async function layoutWhere(page, check, what) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const layout = await layoutOf(page).catch(() => null);
    if (layout && check(layout)) return layout;
    if (Date.now() > deadline) throw new Error(`the canvas never showed ${what}: ${JSON.stringify(layout)}`);
    await page.waitForTimeout(100);
  }
}

/** The components whose box a notice over the canvas overlaps (the
 * notices let the pointer through, so `elementFromPoint` cannot tell). */
async function coveredItems(page, layout) {
  const canvas = await page.locator('#topology').boundingBox();
  const notices = await page.$$eval('.notices > *', (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  }));
  const [hw, hh] = [(BOX[0] / 2) * layout.zoom, (BOX[1] / 2) * layout.zoom];
  return layout.items.filter((it) => {
    const [x, y] = [canvas.x + it.x, canvas.y + it.y];
    return notices.some(([l, t, r, b]) => x + hw > l && x - hw < r && y + hh > t && y - hh < b);
  }).map((it) => it.id);
}

test('at 1280×720 the Finished notice leaves the background lane\'s components in view, and the view grows back after it', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#library').focus();
  await page.selectOption('#library', 'sync-chain-async.toml');
  await nameIs(page, /cured: the non-essential call made async/);
  await ready(page);
  const fitted = await layoutWhere(page, (l) => l.items.some((i) => i.id === 'recommendations' && i.lane === 'async'), 'recommendations in the background');
  await page.locator('button.speed', { hasText: 'max' }).click();
  await page.locator('#play').click();
  const finished = page.locator('[data-testid="finished"]');
  await finished.waitFor({ timeout: 60000 });
  // The view settles above the notice within a few frames.
  let under;
  let covered;
  for (let k = 0; k < 30; k++) {
    under = await layoutOf(page);
    covered = await coveredItems(page, under);
    if (covered.length === 0) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(covered, [], 'no component under the notice');
  const notice = await finished.boundingBox();
  const canvas = await page.locator('#topology').boundingBox();
  const recommendations = under.items.find((i) => i.id === 'recommendations');
  const bottom = canvas.y + recommendations.y + (BOX[1] / 2) * under.zoom;
  assert.ok(bottom < notice.y, `recommendations' box ends at ${bottom}, the notice starts at ${notice.y}`);
  await screenshot(page, 'uncovered-finished-1280');
  // A real click on the background's component selects it.
  await page.mouse.click(canvas.x + recommendations.x, canvas.y + recommendations.y + (BOX[1] / 2 - 6) * under.zoom);
  await page.waitForFunction(() => document.querySelector('[data-testid="palette-target"]')?.textContent.endsWith('recommendations'), null, { timeout: 5000 });
  // Continue: the notice goes and the fitted view takes the height again.
  await page.locator('#continue').click();
  await layoutWhere(page, (l) => Math.abs(l.zoom - fitted.zoom) < 0.002, 'the view as it was fitted');
  assert.equal(await finished.count(), 0);
  await page.locator('#play').click();
  assert.deepEqual(errors, []);
  await page.close();
});
