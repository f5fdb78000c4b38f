// On a phone the topology stays readable: "Fit" stops at a zoom floor
// (`canvas::viewport`), the design's far end is a pan away with a fade, an
// arrow and "Drag to see more" saying so; a mouse drag, a finger, the
// arrow and the arrow keys pan to it, two fingers pinch to zoom about their
// midpoint, an edit keeps the pan and brings the new component into view.
// At 1280×720 Fit still shows everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, gotoFresh, ready, layoutOf, layoutWhere, BOX } from './harness.mjs';

const site = useSite();

/** `canvas::viewport::NARROW_ZOOM_FLOOR`. */
const FLOOR = 0.65;
/** Whether item `id`'s whole box is on the canvas (`size` CSS px). */
function shows(layout, id, size) {
  const it = layout.items.find((i) => i.id === id);
  const [hw, hh] = [(BOX[0] / 2) * layout.zoom, (BOX[1] / 2) * layout.zoom];
  return it && it.x - hw >= 0 && it.x + hw <= size.width && it.y - hh >= 0 && it.y + hh <= size.height;
}

async function open(page, file, count) {
  await page.locator('#library').focus();
  await page.selectOption('#library', file);
  await page.waitForFunction((f) => document.querySelector('#library').value === f && document.querySelector('#play')?.disabled === false, file, { timeout: 20000 });
  await ready(page);
  return layoutWhere(page, (l) => l.items.length === count, `${file}'s ${count} items`);
}

/** A drag with the mouse from `from` by `by` (page CSS px), in steps. */
async function mouseDrag(page, from, by) {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  for (let k = 1; k <= 8; k++) await page.mouse.move(from[0] + (by[0] * k) / 8, from[1] + (by[1] * k) / 8);
  await page.mouse.up();
}

/** The same with a finger (touch events through the DevTools protocol, as
 * a touch screen sends them). */
async function fingerDrag(page, from, by) {
  const cdp = await page.context().newCDPSession(page);
  const at = (k) => [{ x: from[0] + (by[0] * k) / 8, y: from[1] + (by[1] * k) / 8 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let k = 1; k <= 8; k++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(k) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** Two fingers at `mid` ± `from` (page CSS px, along x) moved to
 * `mid + shift` ± `to` in steps, as a touch screen sends them (two touch
 * points through the DevTools protocol: each is a pointer of its own). */
async function pinch(page, mid, from, to, shift = 0) {
  const cdp = await page.context().newCDPSession(page);
  const at = (k) => {
    const [half, x] = [from + ((to - from) * k) / 8, mid[0] + (shift * k) / 8];
    return [{ id: 0, x: x - half, y: mid[1] }, { id: 1, x: x + half, y: mid[1] }];
  };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let k = 1; k <= 8; k++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(k) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** The canvas's layout once it stays the same for 200 ms (the view
 * settled: a notice over its foot measured, Fit applied). */
async function settledLayout(page) {
  let a = await layoutOf(page);
  for (;;) {
    await page.waitForTimeout(200);
    const b = await layoutOf(page);
    if (JSON.stringify(a) === JSON.stringify(b)) return b;
    a = b;
  }
}

/** Where `layout`'s item `id` would be after zooming by `k` about canvas
 * point `m`. */
function zoomedAbout(layout, id, m, k) {
  const it = layout.items.find((i) => i.id === id);
  return [m[0] + (it.x - m[0]) * k, m[1] + (it.y - m[1]) * k];
}

test('at 390×844 two fingers pinch to zoom about their midpoint, within the zoom range', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  await open(page, 'retry-storm.toml', 5);
  const fitted = await settledLayout(page);
  const canvas = await page.locator('#topology').boundingBox();
  // The page point of a canvas point as `data-layout` gives them (from
  // inside the canvas's 1 px border).
  const onPage = ([x, y]) => [canvas.x + 1 + x, canvas.y + 1 + y];
  // Spread twice as far apart on the empty background lane: twice the
  // zoom, the diagram's point between the fingers still between them.
  const m = [150, fitted.boundary + 60];
  await pinch(page, onPage(m), 40, 80);
  const spread = await layoutWhere(page, (l) => Math.abs(l.zoom - 2 * FLOOR) < 0.002, `zoom ${2 * FLOOR}`);
  for (const id of ['users', 'edge']) {
    const [x, y] = zoomedAbout(fitted, id, m, 2);
    const it = spread.items.find((i) => i.id === id);
    assert.ok(Math.abs(it.x - x) < 0.5 && Math.abs(it.y - y) < 0.5, `${id} at ${it.x},${it.y}, expected ${x},${y}`);
  }
  await screenshot(page, 'narrow-390-pinch-spread');
  // Pinched in while both fingers move right: three quarters of the
  // zoom, the point between them carried along with their midpoint.
  const n = [m[0] + 40, m[1]];
  await pinch(page, onPage(m), 80, 60, 40);
  const pinched = await layoutWhere(page, (l) => l.zoom < spread.zoom - 0.1, 'a zoom out');
  assert.ok(Math.abs(pinched.zoom - spread.zoom * 0.75) < 0.002, `zoom ${pinched.zoom}`);
  for (const id of ['edge', 'api']) {
    const [x, y] = zoomedAbout(spread, id, m, 0.75);
    const it = pinched.items.find((i) => i.id === id);
    assert.ok(Math.abs(it.x - (x + n[0] - m[0])) < 0.5 && Math.abs(it.y - y) < 0.5, `${id} at ${it.x},${it.y}`);
  }
  await screenshot(page, 'narrow-390-pinch-carried');
  // However far the fingers close, the zoom stops at the buttons' floor.
  await pinch(page, onPage(m), 120, 1);
  await layoutWhere(page, (l) => Math.abs(l.zoom - 0.1) < 0.0005, 'zoom 0.1, the floor');
  await screenshot(page, 'narrow-390-pinch-floor');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 390×844 the widest design fits at a readable zoom, and a drag, a finger, the arrow and the keys pan to the rest', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  const fitted = await open(page, 'retry-storm.toml', 5);
  const canvas = await page.locator('#topology').boundingBox();
  // Fit: at the floor (0.40 without it), from the users on; the database
  // past the right edge, which has an arrow.
  assert.ok(Math.abs(fitted.zoom - FLOOR) < 0.002, `zoom ${fitted.zoom}`);
  assert.ok(shows(fitted, 'users', canvas) && shows(fitted, 'edge', canvas), JSON.stringify(fitted));
  assert.ok(!shows(fitted, 'db', canvas), 'the database is a pan away');
  assert.deepEqual(fitted.hidden.map((h) => h.side), ['right']);
  await screenshot(page, 'narrow-390-retry-storm');

  // A mouse drag leftward on empty canvas (the background lane) brings the
  // database in; the drag stops at the design's end.
  const empty = [canvas.x + 180, canvas.y + fitted.boundary + 80];
  await mouseDrag(page, empty, [-600, 0]);
  const dragged = await layoutWhere(page, (l) => shows(l, 'db', canvas), 'the database after a drag');
  assert.ok(!shows(dragged, 'users', canvas), 'the users went out on the left');
  assert.deepEqual(dragged.hidden.map((h) => h.side), ['left']);
  const db = dragged.items.find((i) => i.id === 'db');
  assert.ok(db.x + (BOX[0] / 2 + 40) * dragged.zoom >= canvas.width - 1, `no empty canvas past the last box: db at ${db.x}`);
  await screenshot(page, 'narrow-390-retry-storm-dragged');

  // A finger drag back, to the users.
  await fingerDrag(page, empty, [600, 0]);
  const back = await layoutWhere(page, (l) => shows(l, 'users', canvas), 'the users after a finger drag');
  assert.equal(back.zoom, fitted.zoom);

  // The arrow on the right edge pans most of a canvas toward it.
  const arrow = back.hidden.find((h) => h.side === 'right');
  await page.mouse.click(canvas.x + arrow.x, canvas.y + arrow.y);
  const stepped = await layoutWhere(page, (l) => l.items[0].x < back.items[0].x - 100, 'a pan after the arrow');
  assert.ok(stepped.items[0].x > back.items[0].x - 0.7 * canvas.width - 1, 'at most 70% of the canvas');

  // The arrow keys pan while nothing is selected.
  await page.locator('#topology').focus();
  const before = stepped.items[0].x;
  await page.keyboard.press('ArrowLeft');
  await layoutWhere(page, (l) => Math.abs(l.items[0].x - (before + 60)) < 1, 'a pan of 60 px by ArrowLeft');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 390×844 an edit keeps the user\'s pan and brings the new component into view', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  const fitted = await open(page, 'retry-storm.toml', 5);
  const canvas = await page.locator('#topology').boundingBox();
  await mouseDrag(page, [canvas.x + 180, canvas.y + fitted.boundary + 80], [-600, 0]);
  const panned = await layoutWhere(page, (l) => shows(l, 'db', canvas), 'the database');
  // Tap the database (selected: new components connect to it), then add a
  // service: it lands right of the database, past the canvas's edge.
  const db = panned.items.find((i) => i.id === 'db');
  await page.mouse.click(canvas.x + db.x, canvas.y + db.y);
  await page.waitForFunction(() => document.querySelector('[data-testid="palette-target"]')?.textContent.endsWith('db'), null, { timeout: 5000 });
  await page.locator('#add-service').click();
  const added = await layoutWhere(page, (l) => l.items.length === 6, 'the new service');
  const fresh = added.items.find((i) => !fitted.items.some((f) => f.id === i.id));
  const settled = await layoutWhere(page, (l) => shows(l, fresh.id, canvas), `${fresh.id} in view`);
  assert.ok(!shows(settled, 'users', canvas), 'not fitted again to the users\' end');
  assert.equal(settled.zoom, panned.zoom);
  await screenshot(page, 'narrow-390-retry-storm-added');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 1280×720 Fit still shows every component of the widest designs', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  // The zooms Fit gave before the floor (main at c5ef4b6).
  for (const [file, count, zoom] of [['retry-storm.toml', 5, 1.003], ['team-change.toml', 6, 0.791], ['cross-region.toml', 3, 0.833]]) {
    const l = await open(page, file, count);
    const canvas = await page.locator('#topology').boundingBox();
    assert.ok(Math.abs(l.zoom - zoom) < 0.002, `${file}: zoom ${l.zoom}, was ${zoom}`);
    for (const it of l.items) assert.ok(shows(l, it.id, canvas), `${file}: ${it.id} in view`);
    assert.deepEqual(l.hidden, [], `${file}: nothing past an edge`);
    await screenshot(page, `narrow-1280-${file.replace('.toml', '')}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
