// Nothing the user needs is covered or cut short: the run's notices over
// the canvas's foot leave every component in view (and clickable), and the
// view grows back when they go; the inspector's entries show their
// defaults whole, and while comparing every chart's title reads whole (a
// long one on two lines), on a laptop and a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, gotoFresh, nameIs, ready, layoutOf, layoutWhere, BOX } from './harness.mjs';

const site = useSite();

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

test('at 1280×720 a request path alone keeps its size under the Finished notice: the empty background band may lie under it, its name may not', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#library').focus();
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /slowest link/);
  await ready(page);
  const fitted = await layoutWhere(page, (l) => l.items.length === 4 && l.items.every((i) => i.lane === 'sync'), 'the chain');
  await page.locator('button.speed', { hasText: 'max' }).click();
  await page.locator('#play').click();
  const finished = page.locator('[data-testid="finished"]');
  await finished.waitFor({ timeout: 60000 });
  await page.waitForTimeout(300);
  const under = await layoutOf(page);
  // At most the room for the background's name above the notice (a
  // fit of the whole band above it took a fifth of the size).
  assert.ok(under.zoom >= fitted.zoom * 0.97, `the diagram keeps its size: ${fitted.zoom} → ${under.zoom}`);
  assert.deepEqual(await coveredItems(page, under), []);
  const canvas = await page.locator('#topology').boundingBox();
  const notice = await finished.boundingBox();
  const name = canvas.y + under.boundary + 23;
  assert.ok(name < notice.y, `the background's name (to ${name}) above the notice (${notice.y})`);
  await screenshot(page, 'uncovered-finished-sync-1280');
  assert.deepEqual(errors, []);
  await page.close();
});

/** The inspector's entries whose text (the value, else the default shown
 * in grey) is wider than the room inside them, and its cut titles. */
function clippedInInspector(page) {
  return page.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    const out = [];
    for (const el of document.querySelectorAll('.side-body input[placeholder], .side-body input.num')) {
      if (!el.offsetParent) continue;
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const text = el.value || el.placeholder;
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      if (ctx.measureText(text).width > room + 0.5) out.push(`${el.id} "${text}"`);
    }
    for (const el of document.querySelectorAll('.side-body label, .side-body h3')) {
      if (el.offsetParent && el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName} "${el.textContent}"`);
    }
    return out;
  });
}

for (const [width, height] of [[1280, 720], [390, 844]]) {
  test(`at ${width}×${height} the inspector's entries show their defaults whole`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await gotoFresh(page, site.url);
    await ready(page);
    await page.locator('#library').focus();
    await page.selectOption('#library', 'checkout.toml');
    await nameIs(page, /^Checkout/);
    await ready(page);
    if (width <= 900) await page.locator('#view-panel').click();
    await page.locator('#tab-inspector').click();
    const clipped = [];
    const components = page.locator('.component-list button');
    for (let k = 0; k < await components.count(); k++) {
      await components.nth(k).click();
      await page.locator('.component-list button[aria-pressed="true"]').nth(0).waitFor();
      clipped.push(...await clippedInInspector(page));
    }
    assert.deepEqual(clipped, [], 'every default reads whole');
    // The api's scaling fields, whose defaults are the longest.
    await page.locator('.component-list button', { hasText: 'service api' }).click();
    await page.locator('#field-autoscale-provision_delay').scrollIntoViewIfNeeded();
    assert.equal(await page.locator('#field-autoscale-provision_delay').getAttribute('placeholder'), '60000 (default)');
    await screenshot(page, `uncovered-inspector-${width}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`at ${width}×${height} while comparing every chart's title reads whole`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await gotoFresh(page, site.url);
    await ready(page);
    await page.locator('#library').focus();
    await page.selectOption('#library', 'sync-chain.toml');
    await nameIs(page, /slowest link/);
    await ready(page);
    if (width <= 900) await page.locator('#view-topology').click();
    await page.locator('#compare').click();
    await page.locator('button.speed', { hasText: '100×' }).click();
    await page.locator('#play').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 20, null, { timeout: 30000 });
    await page.locator('#play').click();
    if (width <= 900) await page.locator('#view-charts').click();
    await page.locator('#tab-compare').click();
    await page.locator('.compare .chart-title').first().waitFor();
    const titles = await page.$$eval('.dashboard .chart-title', (els) => els.filter((e) => e.offsetParent)
      .map((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1 })));
    assert.ok(titles.some((t) => t.text === 'Answers per second by outcome'), JSON.stringify(titles));
    assert.ok(titles.some((t) => t.text === 'User p99: A against B'), JSON.stringify(titles));
    assert.deepEqual(titles.filter((t) => t.cut).map((t) => t.text), [], 'no title cut short');
    await screenshot(page, `uncovered-compare-${width}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
