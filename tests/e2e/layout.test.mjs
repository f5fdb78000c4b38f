// The drawing over a reload, and what a drag on the canvas does to the
// side panel: where the canvas drew the autosaved work (its layout's
// choices, a component added beside its caller, a node dragged by the
// mouse) comes back where it was after a reload, kept in the browser's
// storage beside the autosave and not in the file (the embedded player
// keeps nothing); a drag leaves the Lesson tab in view, a click opens the
// Inspector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSite, collectErrors, gotoFresh, ready, pick, nameIs, layoutOf, layoutWhere, screenshot, drag,
} from './harness.mjs';

const site = useSite();

const LAYOUT_KEY = 'scalesim.layout.v1';
const AUTOSAVE_KEY = 'scalesim.autosave.v1';

const CHAIN = `[scenario]
name = "Kept layout: api calls db"
seed = 3
duration = "60s"

[[load]]
id = "users"
target = "api"
rate = 50

[[node]]
id = "api"
kind = "service"
workers = 8
service_time = { dist = "exp", mean = "2ms" }

  [[node.call]]
  to = "db"

[[node]]
id = "db"
kind = "database"
workers = 4
service_time = { dist = "exp", mean = "5ms" }
`;

const item = (layout, id) => layout.items.find((i) => i.id === id);
const places = (layout) => layout.items.map((i) => `${i.id} ${i.x.toFixed(1)},${i.y.toFixed(1)} ${i.lane}`);

/** A click (press and release in place) on a canvas point. */
async function clickAt(page, p) {
  const box = await page.locator('#topology').boundingBox();
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

const selectedSideTab = (page) => page.$eval('.side [role=tab][aria-selected=true]', (t) => t.id);
const autosaved = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null')?.toml, AUTOSAVE_KEY);

test('at 1280×720 a dragged node and an added one are where they were after a reload; the file is not written for it', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#import').setInputFiles({ name: 'chain.toml', mimeType: 'text/plain', buffer: Buffer.from(CHAIN) });
  await nameIs(page, /Kept layout/);
  await ready(page);
  let layout = await layoutWhere(page, (l) => l.items.length === 3, 'the three items');

  // A component added with api selected is placed right of api, a place
  // a fresh layout of the file would not give it; the file gets no
  // position for it.
  await clickAt(page, item(layout, 'api'));
  await page.waitForFunction(() => document.querySelector('#rename')?.value === 'api');
  await page.locator('#add-service').click();
  layout = await layoutWhere(page, (l) => l.items.length === 4, 'the added service');
  const added = layout.items.find((i) => !['users', 'api', 'db'].includes(i.id));

  // db dragged by the mouse to a free spot right of where it was, in its lane.
  const db = item(layout, 'db');
  const to = { x: db.x + 110, y: db.y + 25 };
  await drag(page, db, to);
  layout = await layoutWhere(page, (l) => Math.abs(item(l, 'db').x - to.x) < 2 && Math.abs(item(l, 'db').y - to.y) < 2, 'db where it was dropped');
  // Kept once the drawing settles: the autosave has the added component
  // and the drop, the kept drawing has every item.
  await page.waitForFunction(([key, id]) => {
    const kept = localStorage.getItem(key) ?? '';
    return kept.split('\n').filter((l) => /^\S+ -?[\d.]+ -?[\d.]+$/.test(l)).length === 4 && kept.includes(`\n${id} `);
  }, [LAYOUT_KEY, added.id], { timeout: 10000 });
  await page.waitForFunction((key) => /id = "service/.test(JSON.parse(localStorage.getItem(key)).toml), AUTOSAVE_KEY, { timeout: 10000 });
  await page.waitForTimeout(500);
  layout = await layoutOf(page);
  const toml = await autosaved(page);
  assert.doesNotMatch(toml.split(/\[\[node\]\]/).find((t) => t.includes(`id = "${added.id}"`)), /position/,
    'the added component\'s place is not written into the file');
  await screenshot(page, 'layout-before-reload-1280');

  await page.reload();
  await ready(page);
  const back = await layoutWhere(page, (l) => l.items.length === 4, 'the four items after the reload');
  await page.waitForTimeout(400);
  const again = await layoutOf(page);
  for (const it of layout.items) {
    const b = item(again, it.id);
    assert.ok(b && Math.abs(b.x - it.x) <= 2 && Math.abs(b.y - it.y) <= 2,
      `${it.id} moved over the reload:\n  before ${places(layout).join(' | ')}\n  after  ${places(again).join(' | ')}`);
  }
  assert.ok(Math.abs(again.zoom - layout.zoom) < 0.01, `zoom ${layout.zoom} → ${again.zoom}`);
  assert.equal(back.items.length, 4);
  assert.equal(await autosaved(page), toml, 'the reload wrote nothing into the file');
  await screenshot(page, 'layout-after-reload-1280');

  // Kept data that cannot be read is ignored: a fresh layout, no error.
  await page.evaluate((key) => localStorage.setItem(key, 'scalesim-layout 1\nview NaN\ndb x y\n{"broken'), LAYOUT_KEY);
  await page.reload();
  await ready(page);
  await layoutWhere(page, (l) => l.items.length === 4, 'the four items over broken kept data');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(400);
  await screenshot(page, 'layout-after-reload-390');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the embedded player keeps no drawing in the reader\'s storage', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 800, height: 600 });
  await gotoFresh(page, `${site.url}?embed=1&scenario=sync-chain.toml&show=topology`);
  await page.locator('#topology').waitFor({ timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 30000 });
  const layout = await layoutWhere(page, (l) => l.items.length > 0, 'the drawing');
  const api = item(layout, 'api');
  await drag(page, api, { x: api.x + 60, y: api.y + 20 });
  await drag(page, { x: 40, y: 40 }, { x: 120, y: 60 });
  await page.waitForTimeout(800);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'nothing kept');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, height] of [[1280, 720], [390, 844]]) {
  test(`at ${width}×${height} dragging a node keeps the lesson in view and selects it; a click opens the inspector`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await gotoFresh(page, site.url);
    await ready(page);
    await pick(page, 'sync-chain.toml', /synchronous chain/i);
    let layout = await layoutWhere(page, (l) => item(l, 'recommendations'), 'recommendations');
    const start = layout;
    assert.equal(await selectedSideTab(page), 'tab-lesson');

    // The lesson's Try: drag recommendations into the background.
    const rec = item(layout, 'recommendations');
    await drag(page, rec, { x: rec.x, y: layout.boundary + 70 });
    layout = await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'async', 'recommendations in the background');
    await page.waitForTimeout(300);
    assert.equal(await selectedSideTab(page), 'tab-lesson', 'the drag kept the Lesson tab');
    assert.equal(await page.locator('.inspector').count(), 0, 'no inspector in its place');
    await screenshot(page, `drag-keeps-lesson-${width}`);
    // It selected what it moved, quietly: the Inspector, when opened, and
    // Delete or the arrow keys act on it.
    if (width >= 600) {
      await page.locator('#tab-inspector').click();
      await page.waitForFunction(() => document.querySelector('#rename')?.value === 'recommendations', null, { timeout: 5000 });
    } else {
      await page.locator('#show-details').waitFor({ timeout: 5000 });
    }
    // Undo puts it back where the canvas drew it before the drag (beside
    // api as it was, in world units: the view may have moved).
    const fromApi = (l) => {
      const [r, a] = [item(l, 'recommendations'), item(l, 'api')];
      return [(r.x - a.x) / l.zoom, (r.y - a.y) / l.zoom];
    };
    const before = fromApi(start);
    await page.locator('button', { hasText: 'Undo' }).first().click();
    layout = await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'sync'
      && fromApi(l).every((d, i) => Math.abs(d - before[i]) < 1), 'recommendations back where it was');

    // A plain click on api: the inspector, for api.
    const api = item(layout, 'api');
    await clickAt(page, api);
    if (width < 600) {
      // On a phone the inspector is another view, offered over the canvas.
      await page.locator('#show-details').click();
    }
    await page.waitForFunction(() => document.querySelector('#rename')?.value === 'api', null, { timeout: 10000 });
    assert.equal(await selectedSideTab(page), 'tab-inspector');
    await screenshot(page, `click-opens-inspector-${width}`);
    if (width >= 600) {
      // A pan on the background is a drag too: the selection stays.
      await drag(page, { x: 12, y: layout.boundary + 12 }, { x: 60, y: layout.boundary + 30 });
      await page.waitForTimeout(300);
      assert.equal(await page.$eval('#rename', (r) => r.value), 'api', 'a pan kept the selection');
      // A click on the background clears it.
      await clickAt(page, { x: 12, y: layout.boundary + 12 });
      await page.waitForFunction(() => !document.querySelector('#rename'), null, { timeout: 5000 });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}
