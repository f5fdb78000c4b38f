// The newcomer's build, with real mouse and keyboard events at 1280×720:
// from the demo, add a load, an api service, a database and a slow mailer;
// wire them by adding each with its caller selected; rename in the
// inspector; change the workers while the run plays (the typed text must
// not snap back); drag the mailer into the background and undo it;
// compare A against B; share a link. Every user action is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, readStat, gotoFresh, nameIs, ready, layoutOf, layoutWhere } from './harness.mjs';

const site = useSite();

const item = (layout, id) => layout.items.find((i) => i.id === id);

/** Waits until the inspector's text matches `pattern`. */
function inspectorShows(page, pattern) {
  return page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('.inspector')?.textContent ?? ''),
    pattern.source,
    { timeout: 15000 },
  );
}

test('a newcomer builds a design from the demo: add, connect, rename, tune live, background, undo, compare, share', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await nameIs(page, /two workers/);

  let actions = 0;
  /** What the app gets wrong, found on the way: the steps after still run. */
  const appBugs = [];
  const canvas = page.locator('#topology');
  const box = async () => canvas.boundingBox();
  /** A click on the canvas at a canvas point. */
  const clickAt = async (p) => {
    const b = await box();
    await page.mouse.click(b.x + p.x, b.y + p.y);
    actions += 1;
  };
  /** A real mouse drag on the canvas, from one canvas point to another. */
  const drag = async (from, to) => {
    const b = await box();
    await page.mouse.move(b.x + from.x, b.y + from.y);
    await page.mouse.down();
    for (let k = 1; k <= 12; k++) {
      await page.mouse.move(b.x + from.x + ((to.x - from.x) * k) / 12, b.y + from.y + ((to.y - from.y) * k) / 12);
    }
    await page.mouse.up();
    actions += 1;
  };
  const click = async (selector) => {
    await page.locator(selector).click();
    actions += 1;
  };
  const press = async (key) => {
    await page.keyboard.press(key);
    actions += 1;
  };
  /** Selects a component by clicking it on the canvas. */
  const selectOnCanvas = async (id) => {
    const layout = await layoutWhere(page, (l) => item(l, id), id);
    await clickAt(item(layout, id));
    await page.waitForFunction((id) => document.querySelector('#rename')?.value === id, id, { timeout: 15000 });
  };
  /** Replaces a field's text the way a user does: click, select all, type, Enter. */
  const typeInto = async (selector, text) => {
    await click(selector);
    await press('Control+a');
    await page.keyboard.type(text);
    actions += 1;
    await press('Enter');
  };

  // 1. Add an api service: it appears on the request path, selected.
  await click('#add-service');
  let layout = await layoutWhere(page, (l) => item(l, 'service'), 'the new service');
  assert.equal(item(layout, 'service').lane, 'sync');
  await page.waitForFunction(() => document.querySelector('#rename')?.value === 'service');

  // 2. With the service selected, "+ database" adds a database the service
  //    calls, placed beside it, and selects it.
  assert.equal(await page.locator('#add-database').getAttribute('title'), 'Add a database that service calls');
  await click('#add-database');
  layout = await layoutWhere(page, (l) => item(l, 'database'), 'the database');
  await page.waitForFunction(() => document.querySelector('#rename')?.value === 'database');
  assert.ok(item(layout, 'database').x > item(layout, 'service').x, 'the database sits right of its caller');

  // 3. Back on the service, "+ external" adds the mailer to be, also called
  //    by the service; the inspector lists both calls.
  await selectOnCanvas('service');
  await inspectorShows(page, /→ database \(sync\)/);
  await click('#add-external');
  layout = await layoutWhere(page, (l) => item(l, 'external'), 'the external');
  await page.waitForFunction(() => document.querySelector('#rename')?.value === 'external');
  const [db, ext] = [item(layout, 'database'), item(layout, 'external')];
  assert.ok(Math.abs(db.x - ext.x) > 20 || Math.abs(db.y - ext.y) > 20, 'the two do not overlap');
  await screenshot(page, 'newcomer-1-added');

  // 4. Add a load into the service: it is selected again first.
  await selectOnCanvas('service');
  await inspectorShows(page, /→ external \(sync\)/);
  await click('#add-load');
  layout = await layoutWhere(page, (l) => item(l, 'users-2'), 'the new load');
  await page.waitForFunction(() => document.querySelector('#load-target')?.value === 'service');

  // 5. Rename the external to "mailer" in the inspector; it stays selected.
  await selectOnCanvas('external');
  await typeInto('#rename', 'mailer');
  await layoutWhere(page, (l) => item(l, 'mailer') && !item(l, 'external'), 'the mailer renamed');
  await page.waitForFunction(() => document.querySelector('#rename')?.value === 'mailer', null, { timeout: 15000 });
  assert.match(await page.locator('.inspector').textContent(), /external mailer/, 'the renamed mailer is still selected');

  // 6. Make it slow: a mean latency of 800 ms.
  await typeInto('#field-latency-mean', '800');
  await page.waitForFunction(() => document.querySelector('#field-latency-mean')?.value === '800');
  assert.equal(await page.locator('[data-path="node.mailer.latency.mean"] .field-error').count(), 0);
  await screenshot(page, 'newcomer-2-wired');

  // 7. Play at 10×.
  await page.locator('button.speed', { hasText: '10×' }).click();
  actions += 1;
  await click('#play');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 2, null, { timeout: 60000 });
  // The slow mailer took: each of the service's 8 workers waits 800 ms on
  // it, so the service serves about 10 requests/s of the 100 offered, and
  // the status line says so.
  await page.waitForFunction(() => /service is saturated/.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 30000 });
  // Past the start, where the first completions are the short ones and a
  // few windows overstate what a busy worker finishes.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 12, null, { timeout: 60000 });
  const capacity = parseFloat(/capacity of about ([\d.]+) req\/s/.exec(await readStat(page, 'status'))[1]);
  assert.ok(capacity > 6 && capacity < 14, `the service's capacity with an 800 ms mailer: ${capacity} req/s`);

  // 8. While it plays, type the service's workers slowly: what is typed is
  //    not snapped back before it is committed; Enter applies it.
  await selectOnCanvas('service');
  const workers = page.locator('#field-workers');
  assert.equal(await workers.inputValue(), '8');
  await click('#field-workers');
  await press('Control+a');
  await page.keyboard.type('2', { delay: 150 });
  await page.waitForTimeout(600); // measuring: many renders happen meanwhile
  assert.equal(await workers.inputValue(), '2', 'the first typed digit survives the live renders');
  await page.keyboard.type('4', { delay: 150 });
  await page.waitForTimeout(400);
  assert.equal(await workers.inputValue(), '24', 'the typed text survives the live renders');
  actions += 1; // the typed field
  // Watch the status line from the commit on: what it says while the
  // service's queue (already thousands deep) goes on growing.
  await page.evaluate(() => {
    window.__statusSeen = [];
    const look = () => {
      const status = document.querySelector('[data-testid="status"]')?.textContent ?? '';
      const m = /service: \d+\/\d+ busy, (\d+) queued/.exec(document.querySelector('[data-testid="node-states"]')?.textContent ?? '');
      const seen = `${document.querySelector('[data-testid="windows"]')?.textContent} windows, service ${m?.[1]} queued: ${status}`;
      if (window.__statusSeen.at(-1) !== seen) window.__statusSeen.push(seen);
    };
    window.__statusWatch = new MutationObserver(look);
    window.__statusWatch.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const windowsBefore = Number(await readStat(page, 'windows'));
  assert.ok(windowsBefore >= 2, 'the run is playing');
  await press('Enter');
  await page.waitForFunction(
    () => /service: \d+\/24 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''),
    null,
    { timeout: 30000 },
  );
  assert.equal(await workers.inputValue(), '24');
  await screenshot(page, 'newcomer-3-live-edit');
  // The service waits 800 ms on the mailer for each of its ~100 requests/s,
  // with 24 workers too: it cannot keep up, and its queue grows (the canvas
  // shows it full, its queue counting up). The status line must say so
  // all along.
  const queuedNow = () => page.$eval('[data-testid="node-states"]',
    (p) => Number(/service: \d+\/\d+ busy, (\d+) queued/.exec(p.textContent)?.[1]));
  const q1 = await queuedNow();
  await page.waitForFunction((q1) => {
    const m = /service: \d+\/\d+ busy, (\d+) queued/.exec(document.querySelector('[data-testid="node-states"]').textContent);
    return m && Number(m[1]) > q1 + 150;
  }, q1, { timeout: 30000 });
  assert.match(await readStat(page, 'status'), /service is saturated/);
  const statusSeen = await page.evaluate(() => { window.__statusWatch.disconnect(); return window.__statusSeen; });
  const falseCalm = statusSeen.filter((s) => /keeps up/.test(s));
  // APP BUG (reported): for a few windows after a live change the status
  // line says "Every node keeps up with its load." while the service's
  // queue, thousands deep, goes on growing (seen in 2 runs out of 3).
  if (falseCalm.length) appBugs.push(`after the live change the status said all is well: ${falseCalm.join(' | ')}`);
  // 9. Drag the mailer below the dashed boundary: its call becomes async.
  layout = await layoutOf(page);
  const height = (await box()).height;
  // APP PROBLEM (reported): after four adds the background lane is pushed
  // to the canvas's bottom edge, out of view at 1280×720; a newcomer has
  // to press Fit (or zoom out) before there is room to drop into it.
  if (height - layout.boundary < 50) {
    appBugs.push(`background lane out of view: boundary at ${layout.boundary} px of a ${height} px canvas`);
    console.log(`# background lane out of view: boundary at ${layout.boundary} px of a ${height} px canvas; pressing Fit`);
    await click('.topology-tools button:has-text("Fit")');
    layout = await layoutWhere(page, (l) => height - l.boundary >= 50, 'the background lane in view after Fit');
  }
  const mailer = item(layout, 'mailer');
  await drag(mailer, { x: mailer.x, y: Math.min(layout.boundary + 70, (layout.boundary + height) / 2) });
  await layoutWhere(page, (l) => item(l, 'mailer')?.lane === 'async', 'the mailer in the background');
  await selectOnCanvas('service');
  await inspectorShows(page, /→ mailer \(async\)/);
  assert.match(await page.locator('.inspector').textContent(), /→ database \(sync\)/);
  await screenshot(page, 'newcomer-4-background');

  // 10. Undo: the mailer is back on the request path, its call sync again.
  // Focus is where the last click left it: on the canvas.
  await press('Control+z');
  await layoutWhere(page, (l) => item(l, 'mailer')?.lane === 'sync', 'the undo');
  await inspectorShows(page, /→ mailer \(sync\)/);

  // 11. Compare: B is a copy; the dashboard shows A vs B and the figures
  //     say which variant they are.
  const beforeCompare = await layoutOf(page);
  await click('#compare');
  await page.locator('#edit-b[aria-pressed="true"]').waitFor();
  // B is drawn where A was: nothing moves against the rest when the copy
  // appears (the view may zoom to fit, so positions are compared in the
  // world, relative to the service).
  const rel = (l, id) => [(item(l, id).x - item(l, 'service').x) / l.zoom, (item(l, id).y - item(l, 'service').y) / l.zoom];
  const same = (l) => ['database', 'mailer', 'users-2'].every((id) => item(l, id) && item(l, 'service')
    && Math.abs(rel(l, id)[0] - rel(beforeCompare, id)[0]) < 2 && Math.abs(rel(l, id)[1] - rel(beforeCompare, id)[1]) < 2);
  await layoutWhere(page, same, 'B drawn where A was');
  await page.locator('#tab-compare').waitFor();
  assert.match(await page.locator('#tab-compare').textContent(), /A vs B/);
  await page.waitForFunction(() => document.querySelector('.variant-badge')?.textContent.trim() === 'B');
  await click('#tab-compare');
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-p99-b"]'), null, { timeout: 30000 });
  await click('#edit-a');
  await page.waitForFunction(() => document.querySelector('.variant-badge')?.textContent.trim() === 'A');
  await screenshot(page, 'newcomer-5-compare');

  // 12. Share: a link to this design.
  await click('#menu-share');
  await click('#share');
  const url = page.locator('#share-url');
  await url.waitFor();
  const link = await url.inputValue();
  assert.ok(link.startsWith(site.url), `share link ${link}`);
  assert.ok(link.length > site.url.length + 20, `the link carries the design: ${link}`);
  await screenshot(page, 'newcomer-6-share');

  console.log(`# newcomer build: ${actions} actions`);
  assert.deepEqual(errors, []);
  // APP BUGS (reported), asserted last so every step above ran.
  assert.deepEqual(appBugs, [], 'APP BUGS found along the way');
  await page.close();
});
