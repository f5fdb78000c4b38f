// The topology canvas and the editor, driven with real mouse and keyboard
// events: drag a component from the request path into the background and
// watch p99 fall; connect, rename, delete; undo and redo; the inspector's
// validation; a notice that never moves the canvas (also at 390 px); A/B
// compare; and frame times with 100 components at 100 000 requests/s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { useSite, collectErrors, screenshot, screenshotOf, readStat, ARTIFACTS, gotoFresh, nameIs, ready, msOf, layoutOf, layoutWhere, drag } from './harness.mjs';

const site = useSite();

const item = (layout, id) => layout.items.find((i) => i.id === id);

/** Pairs of boxes that overlap on the canvas (a box is 132 × 58 world
 * units, `topology_layout::NODE_W` and `NODE_H`). */
const overlaps = (layout) => layout.items.flatMap((a, k) => layout.items.slice(k + 1)
  .filter((b) => Math.abs(a.x - b.x) < 132 * layout.zoom - 1 && Math.abs(a.y - b.y) < 58 * layout.zoom - 1)
  .map((b) => `${a.id} and ${b.id}`));

async function select(page, label) {
  await page.locator('.component-list button', { hasText: label }).click();
}

const lastP99 = async (page) => parseFloat(await readStat(page, 'p99'));

async function waitWindows(page, n) {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="windows"]').textContent) >= n,
    n,
    { timeout: 60000 },
  );
}

test('dragging a component into the background makes its calls async, live, and p99 falls', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await ready(page);
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain: the slowest link/);
  await ready(page);
  let layout = await layoutWhere(page, (l) => item(l, 'recommendations'), 'recommendations');
  assert.equal(item(layout, 'recommendations').lane, 'sync');

  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await waitWindows(page, 12);
  const before = await lastP99(page);
  assert.ok(before > 150, `the sync chain's p99: ${before} ms`);

  const rec = item(layout, 'recommendations');
  await drag(page, rec, { x: rec.x, y: layout.boundary + 70 });
  layout = await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'async', 'recommendations in the background');

  // The scenario changed: the api's call to recommendations is async now.
  // The drag left the side panel on its tab; the Inspector shows it.
  await page.locator('#tab-inspector').click();
  await select(page, 'service api');
  await page.waitForFunction(() => document.querySelector('.inspector').textContent.includes('→ recommendations (async)'));
  assert.match(await page.locator('.inspector').textContent(), /→ payments \(sync\)/);
  await screenshot(page, 'editor-after-drag');
  await screenshotOf(page, '.stage', 'editor-canvas-after-drag');

  // The run went on, and the engine says p99 falls to the api's and
  // payments' own few milliseconds (sync-chain-async: about 26 ms).
  await page.waitForFunction(
    () => parseFloat(document.querySelector('[data-testid="p99"]').textContent) < 60,
    null,
    { timeout: 30000 },
  );
  const after = await lastP99(page);
  assert.ok(after < before / 3, `p99 ${before} → ${after} ms`);

  // Undo puts it back on the request path, on no other box (dropped a
  // row below the boundary, a lane up it would cover payments); redo
  // moves it out again.
  await page.keyboard.press('Control+z');
  layout = await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'sync', 'the undo');
  assert.deepEqual(overlaps(layout), [], 'after the undo, boxes overlap');
  await page.keyboard.press('Control+Shift+z');
  await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'async', 'the redo');

  // A component added from the palette joins the run as it plays: the api
  // now also waits on a new third party (50 ms mean), so the run goes on
  // without starting over and p99 rises by the new call.
  await select(page, 'service api');
  const windows = Number(await readStat(page, 'windows'));
  await page.locator('#add-external').click();
  await layoutWhere(page, (l) => item(l, 'external'), 'the new external');
  assert.ok(Number(await readStat(page, 'windows')) >= windows, 'the run did not start over');
  await page.waitForFunction(
    () => parseFloat(document.querySelector('[data-testid="p99"]').textContent) > 100,
    null,
    { timeout: 30000 },
  );
  assert.ok(Number(await readStat(page, 'windows')) > windows);
  await page.locator('.dashboard [role="tab"]', { hasText: 'Nodes' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('.node-choice')].some((l) => l.textContent === 'external'));
  await screenshot(page, 'editor-added-live');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the palette adds, a drag connects, and the inspector renames, validates and deletes; all undoable', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await gotoFresh(page, site.url);
  await ready(page);
  await nameIs(page, /two workers/);

  const canvasTop = async () => {
    const box = await page.locator('#topology').boundingBox();
    return [box.y, box.height];
  };
  const topBefore = await canvasTop();
  await page.locator('#add-service').click();
  let layout = await layoutWhere(page, (l) => item(l, 'service'), 'the new service');
  assert.equal(item(layout, 'service').lane, 'sync');
  assert.ok(!(await page.locator('#undo').isDisabled()));
  // The new service is selected; where new components go is named over
  // the canvas, so selecting never moves the canvas.
  await page.waitForFunction(() => document.querySelector('[data-testid="palette-target"]')?.textContent.endsWith('service'));
  assert.deepEqual(await canvasTop(), topBefore);

  // Connect api → service by dragging from api's handle onto service.
  const api = item(layout, 'api');
  const target = item(layout, 'service');
  await drag(page, { x: api.x + layout.port_dx, y: api.y }, target);
  await select(page, 'service api');
  await page.waitForFunction(() => document.querySelector('.inspector').textContent.includes('→ service (sync)'));

  // The inspector checks what is typed, beside the field.
  const workers = page.locator('#field-workers');
  await workers.fill('many');
  await workers.press('Enter');
  await page.waitForFunction(() => /not a number/.test(document.querySelector('[data-path="node.api.workers"] .field-error')?.textContent ?? ''));
  await workers.fill('0');
  await workers.press('Enter');
  await page.waitForFunction(() => /whole number from 1/.test(document.querySelector('[data-path="node.api.workers"] .field-error')?.textContent ?? ''));
  await workers.fill('3');
  await workers.press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-path="node.api.workers"] .field-error'));
  await page.waitForFunction(() => document.querySelector('#field-workers').value === '3');
  // The node's state comes with the frame after the edit is applied.
  await page.waitForFunction(
    () => /api: \d+\/3 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''),
    null,
    { timeout: 15000 },
  );

  // What only the engine can judge is refused by it, and shown beside the field.
  const min = page.locator('#field-autoscale-min');
  await min.fill('2');
  await min.press('Enter');
  await page.waitForFunction(
    () => (document.querySelector('[data-path="node.api.autoscale.min"] .field-error')?.textContent ?? '').length > 0,
  );
  assert.match(await page.locator('[data-path="node.api.autoscale.min"] .field-error').textContent(), /max/);

  // Rename, then delete, then undo both.
  await select(page, 'service service');
  await page.locator('#rename').fill('audit');
  await page.locator('#rename').press('Enter');
  await page.locator('.component-list button', { hasText: 'service audit' }).waitFor();
  await select(page, 'service audit');
  await page.locator('#delete').click();
  await layoutWhere(page, (l) => !item(l, 'audit'), 'audit deleted');
  // A removal cannot join the running simulation: the page says the run
  // started over, and why.
  await page.locator('[data-testid="started-over"]').waitFor();
  assert.match(await readStat(page, 'started-over'), /^The run started over at 0 s: removing, renaming or reordering nodes or loads needs a fresh run\.$/);
  // The notice lies over the canvas's foot: the canvas does not move, and
  // the zoom controls stay clear of it.
  assert.deepEqual(await canvasTop(), topBefore);
  const notice = await page.locator('[data-testid="started-over"]').boundingBox();
  const zoom = await page.locator('.topology-tools').boundingBox();
  assert.ok(notice.y > zoom.y + zoom.height, `the notice (${notice.y}) is below the zoom controls (${zoom.y + zoom.height})`);
  // Its words let the canvas's gestures through.
  const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.id, [notice.x + notice.width / 2, notice.y + notice.height / 2]);
  assert.equal(under, 'topology');
  await screenshot(page, 'polish-started-over');
  await page.locator('#undo').click();
  await layoutWhere(page, (l) => item(l, 'audit'), 'audit back');
  await page.locator('#undo').click();
  await layoutWhere(page, (l) => item(l, 'service') && !item(l, 'audit'), 'the name back');
  await page.locator('#redo').click();
  await layoutWhere(page, (l) => item(l, 'audit'), 'the rename redone');
  await screenshot(page, 'editor-connected');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 390 px a notice appearing does not move the canvas either, and shows over every view', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  await nameIs(page, /two workers/);
  // Where the canvas is in the document, whatever the scroll.
  const canvasAt = () => page.evaluate(() => {
    const box = document.querySelector('#topology').getBoundingClientRect();
    return [box.top + scrollY, box.height];
  });
  await page.locator('#view-topology').click();
  const before = await canvasAt();
  await page.locator('#add-service').click();
  await page.locator('#view-panel').click();
  await page.locator('#tab-inspector').click();
  await page.locator('.component-list button', { hasText: 'service service' }).click();
  await page.locator('#delete').click();
  const notice = page.locator('[data-testid="started-over"]');
  await notice.waitFor();
  await page.locator('#view-topology').click();
  assert.deepEqual(await canvasAt(), before);
  await screenshot(page, 'polish-started-over-390');
  await page.locator('#view-charts').click();
  assert.ok(await notice.isVisible(), 'the notice stays in sight over the charts');
  // Nor does the figure strip filling in at the first Play.
  await page.locator('#view-topology').click();
  await page.locator('#play').click();
  await page.waitForFunction(() => /ms$/.test(document.querySelector('[data-testid="p50"]').textContent), null, { timeout: 30000 });
  await page.locator('#play').click();
  assert.deepEqual(await canvasAt(), before, 'the strip filling in moves the canvas');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, height] of [[1280, 720], [390, 844]]) {
  test(`at ${width}×${height} a drop the worker refuses goes back where it was, says why beside it, and the canvas stays put`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await gotoFresh(page, site.url);
    await ready(page);
    await page.click('#play');
    await waitWindows(page, 1);
    // A plain click selects api and shows its parameters (a drag selects
    // what it moves without turning the side panel to them).
    const first = item(await layoutOf(page), 'api');
    const canvasBox = await page.locator('#topology').boundingBox();
    await page.mouse.click(canvasBox.x + first.x, canvasBox.y + first.y);
    await page.waitForFunction(() => document.querySelector('#rename')?.value === 'api');
    const before = await layoutOf(page);
    const api = item(before, 'api');
    // Nothing calls api (only the users' load reaches it): the worker
    // refuses to switch calls into it.
    await drag(page, api, { x: api.x, y: before.boundary + 60 });
    const note = page.locator('[data-testid="canvas-refusal"]');
    await note.waitFor({ timeout: 10000 });
    assert.match(await note.textContent(), /users call `api` directly \(load `users`\) and wait for its answer/);
    const after = await layoutWhere(page, (l) => item(l, 'api').y === api.y, 'api back where it was');
    assert.deepEqual(item(after, 'api'), api, 'the drawing follows the document');
    assert.deepEqual([after.zoom, after.boundary], [before.zoom, before.boundary], 'the canvas did not move');
    assert.match(await page.locator('.inspector').textContent(), /On the request path/);
    assert.equal(await page.locator('.notices > *').count(), 0, 'nothing laid over the canvas\'s foot');
    assert.ok(await page.locator('button', { hasText: 'Undo' }).first().isDisabled(), 'nothing to undo');
    // Beside the component, inside the canvas.
    const [box, canvas] = [await note.boundingBox(), await page.locator('#topology').boundingBox()];
    assert.ok(box.x >= canvas.x && box.x + box.width <= canvas.x + canvas.width + 1, `note at ${JSON.stringify(box)}`);
    assert.ok(Math.abs(box.y - (canvas.y + api.y)) < 120, `note ${box.y} near api at ${canvas.y + api.y}`);
    await screenshot(page, `refused-drop-${width}`);
    // The next gesture on the canvas puts it away.
    await page.mouse.click(canvas.x + 20, canvas.y + canvas.height - 20);
    await note.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('compare: B is the async design, both run on one seed and load, B wins on p99', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await ready(page);
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await ready(page);
  await page.locator('#compare').click();
  await page.locator('#edit-b[aria-pressed="true"]').waitFor();
  // B is a copy: drag its recommendations into the background.
  let layout = await layoutWhere(page, (l) => item(l, 'recommendations'), 'B');
  const rec = item(layout, 'recommendations');
  await drag(page, rec, { x: rec.x, y: layout.boundary + 70 });
  await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'async', "B's recommendations in the background");
  // A is untouched.
  await page.locator('#edit-a').click();
  await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'sync', 'A unchanged');

  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-p99-b"]'), null, { timeout: 30000 });
  await waitWindows(page, 20);
  const read = async (id) => parseFloat(await readStat(page, id));
  const ms = async (id) => msOf(await readStat(page, id));
  const [a, b] = [await ms('compare-p99-a'), await ms('compare-p99-b')];
  assert.ok(a > 150 && b < a / 3, `p99 A ${a} ms, B ${b} ms`);
  const [ga, gb] = [await read('compare-goodput-a'), await read('compare-goodput-b')];
  assert.ok(Math.abs(ga - gb) / ga < 0.1, `same load: goodput A ${ga}, B ${gb}`);
  // Nothing is priced in this lesson: its cost is no figure, not 0.
  assert.deepEqual([await readStat(page, 'compare-cost-a'), await readStat(page, 'compare-cost-b')], ['–', '–']);
  // The caption says what the table sums over: all the time both ran, or
  // its last 30 s, never "the last 30 s" for a longer run.
  assert.match(await page.locator('.compare > p.muted').textContent(),
    /^Over (all \d+ s|the last 30 s of the \d+ s) both variants have run( \(\d+–\d+ s\))?\.$/);
  await page.locator('#compare-latency-chart').scrollIntoViewIfNeeded();
  await page.waitForTimeout(600);
  await screenshot(page, 'compare');
  await screenshotOf(page, '.compare', 'compare-panel');
  await page.locator('#close-compare').click();
  await page.locator('#compare').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

/** 100 components: a gateway, and three tiers of 33 (the middle one async). */
function hundredNodes() {
  let t = `[scenario]\nname = "A hundred components at 100 000 requests/s"\nseed = 3\nduration = "600s"\n\n`;
  t += `[[load]]\nid = "users"\ntarget = "gateway"\nrate = 100000\n\n`;
  t += `[[node]]\nid = "gateway"\nkind = "service"\nreplicas = 16\nworkers = 256\nio = "nonblocking"\nservice_time = { dist = "exp", mean = "200us" }\n`;
  for (let i = 0; i < 33; i++) t += `  [[node.call]]\n  to = "a${i}"\n  probability = 0.06\n`;
  for (let i = 0; i < 33; i++) {
    t += `\n[[node]]\nid = "a${i}"\nkind = "service"\nreplicas = 4\nworkers = 64\nio = "nonblocking"\nservice_time = { dist = "exp", mean = "1ms" }\n`;
    t += `  [[node.call]]\n  to = "b${i}"\n  mode = "async"\n  probability = 0.5\n`;
  }
  for (let i = 0; i < 33; i++) {
    t += `\n[[node]]\nid = "b${i}"\nkind = "service"\nreplicas = 2\nworkers = 64\nio = "nonblocking"\nservice_time = { dist = "exp", mean = "2ms" }\n`;
    t += `  [[node.call]]\n  to = "c${i}"\n  probability = 0.5\n`;
  }
  for (let i = 0; i < 33; i++) {
    t += `\n[[node]]\nid = "c${i}"\nkind = "database"\npool = 32\nservice_time = { dist = "exp", mean = "1ms" }\n`;
  }
  return t;
}

test('frame time with 100 components at 100 000 requests/s', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await ready(page);
  const text = hundredNodes();
  await page.locator('#import').setInputFiles({ name: 'hundred.toml', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await nameIs(page, /hundred components/);
  await ready(page);
  await layoutWhere(page, (l) => l.items.length === 101, 'a hundred components');
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 2, null, { timeout: 60000 });
  // Measure over a fresh stretch of frames while it plays.
  await page.waitForTimeout(10000);
  const stats = await page.$eval('#topology', (c) => ({
    draw: parseFloat(c.getAttribute('data-draw-p95-ms')),
    frame: parseFloat(c.getAttribute('data-frame-p95-ms')),
    frames: Number(c.getAttribute('data-frames')),
  }));
  const rate = await readStat(page, 'rate');
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, 'frame-times.json'), JSON.stringify({ ...stats, offered: rate }, null, 2));
  console.log(`# 100 components at ${rate}: canvas draw p95 ${stats.draw} ms, frame interval p95 ${stats.frame} ms over ${stats.frames} frames`);
  await screenshotOf(page, '.stage', 'hundred-components');
  assert.ok(stats.frames >= 200, `frames measured: ${stats.frames}`);
  assert.ok(stats.draw < 16, `draw p95 ${stats.draw} ms`);
  // The canvas draws about 30 frames a second (33 ms apart; every
  // animation frame only during a gesture). On two cores, with the worker
  // busy on one, the browser sometimes skips an animation frame for
  // reasons outside the page, so this only guards against stalls (two
  // drawn frames in a row missed); the draw time above is the page's own
  // cost.
  assert.ok(stats.frame < 100, `frame interval p95 ${stats.frame} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});
