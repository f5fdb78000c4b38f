// Share, embed, keep and export, end to end: a link opened in a fresh
// browser shows the same numbers, after live edits too, at the shared load,
// and as the same comparison; bad links are explained and the user's
// work is kept; a reload keeps an edit; an exported file re-imports to the
// same scenario; the embed example renders two players; exported files are
// valid.
//
// The link tests share one sender's page (each goes on to its own lesson
// through the library, no reload) and one fresh browser where each link
// opens in a page of its own; the keep, export and safety tests share
// another page. Each test still makes its own run, link and checks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useSite, launchBrowser, collectErrors, screenshot, readStat, nameIs, ready, openMenu, kept } from './harness.mjs';

const site = useSite();

/** The sender's page, loaded once, with its errors; every menu closed
 * (a test may have left one open over the panel's tabs). */
const sender = {};
async function senderPage() {
  if (!sender.page) {
    sender.page = await site.context.newPage();
    sender.errors = collectErrors(sender.page);
    await sender.page.goto(site.url);
    await ready(sender.page);
  }
  await sender.page.$$eval('details.menu[open]', (menus) => menus.forEach((m) => { m.open = false; }));
  return sender;
}

/** The recipients' browser: a fresh profile, nothing saved, launched once. */
async function recipients() {
  sender.fresh ??= await launchBrowser();
  return sender.fresh.context;
}

/** The page the keep, export and safety tests share, loaded once. */
const keeper = {};
async function keeperPage() {
  if (!keeper.page) {
    keeper.page = await site.context.newPage();
    keeper.errors = collectErrors(keeper.page);
    await keeper.page.goto(site.url);
    await ready(keeper.page);
  }
  await keeper.page.$$eval('details.menu[open]', (menus) => menus.forEach((m) => { m.open = false; }));
  return keeper;
}

after(async () => {
  await sender.fresh?.close();
});

const STATS = ['sim-time', 'events', 'windows', 'p50', 'p99', 'throughput', 'rate'];
const readStats = async (page) => ({
  ...Object.fromEntries(await Promise.all(STATS.map(async (id) => [id, await readStat(page, id)]))),
  // The strip shows events in human units ("467k"); its tooltip has the
  // exact count, which a replayed run must match.
  'events-exact': await page.locator('[data-testid="events"]').getAttribute('title'),
});

/** Clicks `selector` and returns the downloaded file's name and bytes. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), page.locator(selector).first().click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test('a share link opened in a fresh browser reproduces the run: the same numbers at the same time', async () => {
  const { page, errors } = await senderPage();
  await page.selectOption('#library', 'retry-storm.toml');
  await nameIs(page, /.+/);
  await ready(page);
  await openMenu(page, '#menu-run');
  await page.locator('#seed').fill('1234');
  await page.locator('#restart').click();
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 8, null, { timeout: 30000 });
  await page.locator('#play').click(); // pause
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Play');
  await page.waitForTimeout(300);
  const shared = await readStats(page);
  const url = await share(page);
  assert.deepEqual(errors, []);

  // A new browser: a fresh profile, nothing saved (this is its first page).
  const opened = await openAt(await recipients(), url, shared['sim-time']);
  assert.deepEqual(opened.stats, shared);
  assert.equal(await opened.page.locator('#seed').getAttribute('placeholder'), '1234');
  assert.deepEqual(opened.errors, []);
  await opened.page.close();
});

/** Pauses, waits for the figures to settle, and returns them. */
async function pauseAndRead(page) {
  await page.locator('#play').click();
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Play');
  await page.waitForTimeout(300);
  return readStats(page);
}

/** Shares the run as it is now and returns the link. */
async function share(page) {
  await openMenu(page, '#menu-share');
  const before = await page.locator('#share-url').count() ? await page.locator('#share-url').inputValue() : '';
  await page.locator('#share').click();
  await page.waitForFunction((old) => {
    const input = document.querySelector('#share-url');
    return input && input.value && input.value !== old;
  }, before, { timeout: 20000 });
  const url = await page.locator('#share-url').inputValue();
  assert.match(url, /#v2\.[A-Za-z0-9_-]+$/);
  return url;
}

/** What a link holds: its JSON, unpacked in the page. */
async function payload(page, url) {
  return page.evaluate(async (fragment) => {
    const b64 = fragment.slice(fragment.indexOf('.') + 1).replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return JSON.parse(await new Response(stream).text());
  }, url.split('#')[1]);
}

/** How many live changes a link's history holds: base64url of their
 * `wire` encoding, which starts with the count (below 128, one byte). */
function historyLength(history) {
  return Buffer.from(history, 'base64url')[0];
}

/** Opens `url` in a new page of `context`, waits until it is paused at
 * the sender's simulated time, and returns the page and its figures. */
async function openAt(context, url, simTime) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url);
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="sim-time"]')?.textContent.trim() === t
      && document.querySelector('#play').textContent.trim() === 'Play',
    simTime,
    { timeout: 90000 },
  );
  await page.waitForTimeout(300);
  return { page, errors, stats: await readStats(page) };
}

/** Opens the sync-chain lesson on the sender's page and plays it at 10×;
 * returns a wait for at least `n` closed windows. */
async function playSyncChain(page) {
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await ready(page);
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  return (n) => page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="windows"]').textContent) >= n, n, { timeout: 60000 });
}

test('a run edited live three times and shared mid-run, then past its end, opens with every figure equal', async () => {
  const { page, errors } = await senderPage();
  const windowsAtLeast = await playSyncChain(page);
  await windowsAtLeast(4);
  // 1. A parameter, through the live-change form.
  await page.click('#tab-inspector');
  await page.locator('#change').fill('payments.workers = 60');
  await page.locator('#apply').click();
  await page.waitForFunction(() => !document.querySelector('#undo').disabled);
  await windowsAtLeast(9);
  // 2. A lane switch: recommendations into the background.
  await page.locator('.component-list button', { hasText: 'service recommendations' }).click();
  await page.locator('#lane-toggle').click();
  await page.waitForFunction(() => document.querySelector('#lane-toggle')?.textContent.includes('request path'), null, { timeout: 20000 });
  // The lane button stands on a line of its own, above "Call another component".
  const [lane, connect] = [await page.locator('#lane-toggle').boundingBox(), await page.locator('label:has(#connect-to)').boundingBox()];
  assert.ok(lane.y + lane.height <= connect.y, `lane button ${JSON.stringify(lane)} above ${JSON.stringify(connect)}`);
  await windowsAtLeast(14);
  // 3. The load: about 2×.
  await page.locator('#load-multiplier').fill('0.3');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent.trim() !== '1×');
  await windowsAtLeast(19);
  const shared = await pauseAndRead(page);
  const load = await readStat(page, 'load-multiplier');
  const url = await share(page);
  assert.match(await readStat(page, 'share-status'), /live changes/);
  // The scenario at time zero, and the three changes at their instants.
  const held = await payload(page, url);
  assert.doesNotMatch(held.toml, /workers = 60/);
  assert.equal(historyLength(held.history), 3);
  assert.deepEqual(errors, []);

  const context = await recipients();
  const opened = await openAt(context, url, shared['sim-time']);
  assert.deepEqual(opened.stats, shared);
  assert.equal(await readStat(opened.page, 'load-multiplier'), load);
  // The design shows as the sender left it: recommendations in the
  // background.
  await opened.page.click('#tab-inspector');
  await opened.page.locator('.component-list button', { hasText: 'service recommendations' }).click();
  await opened.page.waitForFunction(() => document.querySelector('#lane-toggle')?.textContent.includes('request path'), null, { timeout: 20000 });
  assert.deepEqual(opened.errors, []);

  // The same run played on at max speed to the scenario's end (60 s),
  // where it pauses, continued past it, and shared there: the link opens
  // past the end too, with every figure equal and no "Finished" notice,
  // and Play goes on from there.
  await page.locator('button.speed', { hasText: 'max' }).click();
  await page.locator('#play').click();
  await page.locator('[data-testid="finished"]').waitFor({ timeout: 60000 });
  assert.equal(await readStat(page, 'sim-time'), '60.0 s');
  await page.locator('#continue').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) >= 70, null, { timeout: 30000 });
  const past = await pauseAndRead(page);
  const pastUrl = await share(page);
  assert.equal((await payload(page, pastUrl)).past_end, true, 'the link says the run went past its end');
  const reopened = await openAt(context, pastUrl, past['sim-time']);
  assert.deepEqual(reopened.stats, past);
  assert.equal(await reopened.page.locator('[data-testid="finished"]').count(), 0, 'past the end, not finished');
  assert.match(await readStat(reopened.page, 'past-end'), /^Past the scenario's duration \(60\.0 s\): this run went on to /);
  await reopened.page.locator('#play').click();
  await reopened.page.waitForFunction(
    (t) => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > parseFloat(t), past['sim-time'], { timeout: 20000 });
  assert.deepEqual(reopened.errors, []);
  await opened.page.close();
  await reopened.page.close();
  assert.deepEqual(errors, []);
});

test('a text applied in the Source tab mid-run is in the link, and the link opens with every figure equal', async () => {
  const { page, errors } = await senderPage();
  const windowsAtLeast = await playSyncChain(page);
  await windowsAtLeast(3);
  await page.click('#tab-source');
  await page.waitForFunction(() => document.querySelector('#source-text')?.value.includes('id = "payments"'));
  // The payments node's workers, typed over in the text.
  await page.$eval('#source-text', (t) => {
    const at = t.value.indexOf('workers = 50');
    t.focus();
    t.setSelectionRange(at, at + 'workers = 50'.length);
  });
  await page.keyboard.type('workers = 8  # fewer');
  await page.locator('#source-apply').click();
  // Applied: the text is the file, nothing left to apply.
  await page.waitForFunction(() => document.querySelector('#source-apply').disabled);
  await windowsAtLeast(8);
  const shared = await pauseAndRead(page);
  const url = await share(page);
  const held = await payload(page, url);
  assert.doesNotMatch(held.toml, /fewer/, 'the link holds the file at time zero');
  assert.equal(historyLength(held.history), 1, 'and the text applied as one change');
  assert.deepEqual(errors, []);

  const opened = await openAt(await recipients(), url, shared['sim-time']);
  assert.deepEqual(opened.stats, shared);
  await opened.page.click('#tab-source');
  await opened.page.waitForFunction(() => document.querySelector('#source-text')?.value.includes('workers = 8  # fewer'));
  assert.deepEqual(opened.errors, []);
  await opened.page.close();
});

test('a link at a load other than 1× opens at that load and keeps it when shared again', async () => {
  const { page, errors } = await senderPage();
  await page.selectOption('#library', 'station.toml');
  await nameIs(page, /two workers/);
  await ready(page);
  await page.locator('#load-multiplier').fill('0.301');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-multiplier"]').textContent.trim() !== '1×');
  const load = await readStat(page, 'load-multiplier');
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 6, null, { timeout: 30000 });
  const shared = await pauseAndRead(page);
  const url = await share(page);
  assert.deepEqual(errors, []);

  const context = await recipients();
  const first = await openAt(context, url, shared['sim-time']);
  assert.equal(await readStat(first.page, 'load-multiplier'), load);
  assert.deepEqual(first.stats, shared);
  // Shared again by the recipient: the same load, the same run.
  const again = await share(first.page);
  const second = await openAt(context, again, shared['sim-time']);
  assert.equal(await readStat(second.page, 'load-multiplier'), load);
  assert.deepEqual(second.stats, shared);
  assert.deepEqual([...first.errors, ...second.errors], []);
  await first.page.close();
  await second.page.close();
});

test('a link made while comparing opens the same comparison', async () => {
  const { page, errors } = await senderPage();
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await ready(page);
  await page.locator('#compare').click();
  await page.locator('#edit-b[aria-pressed="true"]').waitFor();
  await page.waitForFunction(() => document.querySelector('#close-compare'));
  await page.waitForTimeout(500);
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 4, null, { timeout: 30000 });
  // B, live: recommendations into the background.
  await page.click('#tab-inspector');
  await page.locator('.component-list button', { hasText: 'service recommendations' }).click();
  await page.locator('#lane-toggle').click();
  await page.waitForFunction(() => document.querySelector('#lane-toggle')?.textContent.includes('request path'), null, { timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-p99-b"]')
    && Number(document.querySelector('[data-testid="windows"]').textContent) >= 12, null, { timeout: 60000 });
  await pauseAndRead(page);
  // Shared while editing A: the link opens on A, the side the sharer saw.
  await page.locator('#edit-a').click();
  await page.locator('#edit-a[aria-pressed="true"]').waitFor();
  await page.waitForTimeout(300);
  const shared = await readStats(page);
  // Both workers have paused and their last frames are in: the table holds
  // still.
  let table = await page.locator('[data-testid="compare-table"]').textContent();
  for (let settled = 0; settled < 2;) {
    await page.waitForTimeout(400);
    const now = await page.locator('[data-testid="compare-table"]').textContent();
    settled = now === table ? settled + 1 : 0;
    table = now;
  }
  const url = await share(page);
  assert.match(await readStat(page, 'share-status'), /both variants/);
  const held = await payload(page, url);
  assert.ok(held.b && historyLength(held.b.history) >= 1, 'B with its lane switch');
  assert.equal(held.editing, 'a', 'the link records the side being edited');
  assert.deepEqual(errors, []);

  const context = await recipients();
  const opened = await openAt(context, url, shared['sim-time']);
  assert.deepEqual(opened.stats, shared);
  await opened.page.locator('#close-compare').waitFor();
  assert.equal(await opened.page.locator('#edit-a').getAttribute('aria-pressed'), 'true', 'opened editing A');
  await screenshot(opened.page, 'uxleft-compare-link-a');
  await opened.page.waitForFunction(
    (t) => document.querySelector('[data-testid="compare-table"]')?.textContent === t,
    table,
    { timeout: 60000 },
  ).catch(() => {});
  assert.equal(await opened.page.locator('[data-testid="compare-table"]').textContent(), table);
  assert.deepEqual(opened.errors, []);
  await opened.page.close();
});

test('corrupt, truncated, newer and hostile links are explained, and the user\'s work is kept', async () => {
  const page = await site.context.newPage();
  await page.goto(site.url);
  await ready(page);
  // The user's own work: the sync chain, with an edit (autosaved).
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await page.click('#tab-inspector');
  await page.locator('#change').fill('api.workers = 123');
  await page.locator('#apply').click();
  await page.waitForFunction(() => !document.querySelector('#undo').disabled);
  await kept(page, /workers = 123/);
  await openMenu(page, '#menu-share');
  await page.locator('#share').click();
  const good = await page.locator('#share-url').inputValue();
  const base = good.split('#')[0];
  const fragment = good.split('#')[1];

  const cases = [
    [`${base}#v2.${fragment.slice(3, 3 + Math.floor((fragment.length - 3) / 2))}`, /damaged or cut short/],
    [`${base}#v1.not*base64!`, /damaged/],
    [`${base}#v7.AAAA`, /newer scalesim/],
    [`${base}#v1.${'A'.repeat(300000)}`, /characters long/],
  ];
  for (const [url, message] of cases) {
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('.error'), null, { timeout: 20000 });
    assert.match(await page.locator('.error').textContent(), message);
    assert.match(await page.locator('.error').textContent(), /Your own work is kept/);
    await nameIs(page, /synchronous chain/);
    await ready(page);
    assert.match(await readStat(page, 'node-states'), /api: 0\/123 busy/);
  }

  // A hostile scenario inside a well-formed link: refused by validation.
  const hostile = await page.evaluate(async () => {
    const toml = '[scenario]\nname = "x"\n[[load]]\nid = "u"\ntarget = "a"\nrate = 1e12\n[[node]]\nid = "a"\nkind = "service"\nworkers = 1\nservice_time = { dist = "exp", mean = "1ms" }\n';
    const json = JSON.stringify({ file: 'evil.toml', toml, seed: 1, time_ns: 0, load: 1 });
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let b = '';
    for (const x of bytes) b += String.fromCharCode(x);
    return btoa(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  });
  await page.goto('about:blank');
  await page.goto(`${base}#v1.${hostile}`);
  await page.waitForFunction(() => document.querySelector('.error'), null, { timeout: 20000 });
  assert.match(await page.locator('.error').textContent(), /rate/);
  await nameIs(page, /synchronous chain/);
  await screenshot(page, 'share-bad-link');
  await page.close();
});

test('a reload keeps an edit; saved scenarios are listed and reopen', async () => {
  const { page } = await keeperPage();
  await page.selectOption('#library', 'station.toml');
  await nameIs(page, /two workers/);
  await page.click('#tab-inspector');
  await page.locator('#change').fill('api.workers = 7');
  await page.locator('#apply').click();
  await page.waitForFunction(() => /api: \d+\/7 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''));
  await openMenu(page, '#menu-file');
  await page.locator('#save-name').fill('seven workers');
  await page.locator('#save').click();
  await page.locator('.notice', { hasText: 'Saved as “seven workers”' }).waitFor();

  await page.reload();
  await ready(page);
  await page.waitForFunction(() => /api: \d+\/7 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''), null, { timeout: 20000 });

  // Open something else, then the saved one.
  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain/);
  await openMenu(page, '#menu-file');
  await page.selectOption('#saved', 'seven workers');
  await nameIs(page, /two workers/);
  await page.waitForFunction(() => /api: \d+\/7 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''), null, { timeout: 20000 });
});

test('exports are valid: TOML re-imports to the same scenario, PNG decodes, SVG parses, CSV and JSON read', async () => {
  const { page, errors } = await keeperPage();
  await page.selectOption('#library', 'checkout.toml');
  await nameIs(page, /.+/);
  await ready(page);
  await page.click('#tab-inspector');
  await page.locator('#change').fill('api.replicas = 5');
  await page.locator('#apply').click();
  await page.waitForFunction(() => !document.querySelector('#undo').disabled);
  await page.locator('button.speed', { hasText: '100×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 15, null, { timeout: 30000 });
  await page.locator('#play').click();

  await openMenu(page, '#menu-file');
  const toml = await download(page, '#export-toml');
  assert.equal(toml.name, 'checkout.toml');
  const text = toml.bytes.toString('utf8');
  assert.match(text, /replicas = 5/);
  // Re-import it: the same scenario comes back, and exports identically.
  await page.selectOption('#library', 'station.toml');
  await nameIs(page, /two workers/);
  await page.locator('#import').setInputFiles({ name: 'checkout.toml', mimeType: 'text/plain', buffer: toml.bytes });
  await nameIs(page, /checkout|Checkout/);
  await ready(page);
  await openMenu(page, '#menu-file');
  const again = await download(page, '#export-toml');
  assert.equal(again.bytes.toString('utf8'), text);

  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 5, null, { timeout: 30000 });
  await page.locator('#play').click();
  const png = await download(page, '#latency-chart ~ * .png, .time-chart:has(#latency-chart) .png');
  assert.equal(png.name, 'checkout-latency.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const size = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    return [bitmap.width, bitmap.height];
  }, png.bytes.toString('base64'));
  assert.deepEqual(size, [1600, 840], 'the SVG\'s 800×420 at twice the pixels');

  const svg = await download(page, '.time-chart:has(#latency-chart) .svg');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const texts = (selector) => [...doc.querySelectorAll(selector)].map((t) => t.textContent);
    return {
      error: !!doc.querySelector('parsererror'), lines: doc.querySelectorAll('polyline').length, root: doc.documentElement.nodeName,
      xTicks: texts('text[y="388"]'), yTicks: texts('text[text-anchor="end"]'),
    };
  }, svg.bytes.toString('utf8'));
  const { xTicks, yTicks, ...shape } = parsed;
  assert.deepEqual(shape, { error: false, lines: 3, root: 'svg' });
  // Its ticks are the screen chart's: round values of the unit shown
  // (1, 2 or 5 times a power of ten apart), not fifths of the data's range.
  for (const ticks of [xTicks, yTicks]) {
    const values = ticks.map(Number);
    assert.ok(values.length >= 2 && values.every(Number.isFinite), `ticks ${ticks}`);
    const step = values[1] - values[0];
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `ticks ${ticks} step ${step}`);
    assert.ok(values.every((v) => Math.abs(v / step - Math.round(v / step)) < 1e-6), `ticks ${ticks} on multiples of ${step}`);
  }

  await openMenu(page, '#menu-file');
  const csv = (await download(page, '#export-csv')).bytes.toString('utf8').trim().split('\n');
  assert.match(csv[0], /^start_s,end_s,offered,ok,/);
  const windows = Number(await readStat(page, 'windows'));
  assert.equal(csv.length - 1, windows);
  assert.ok(csv.slice(1).every((row) => row.split(',').length === csv[0].split(',').length));

  await openMenu(page, '#menu-file');
  const summary = JSON.parse((await download(page, '#export-summary')).bytes.toString('utf8'));
  for (const key of ['scenario', 'seed', 'sim_time_s', 'events', 'requests', 'latency_ms', 'throughput_rps', 'loads', 'nodes', 'cost_per_million']) {
    assert.ok(key in summary, `summary lacks ${key}`);
  }

  await page.locator('#play').click();
  await openMenu(page, '#menu-file');
  const clip = await download(page, '#record');
  assert.match(clip.name, /\.webm$/);
  assert.ok(clip.bytes.length > 1000, `clip of ${clip.bytes.length} bytes`);
  // WebM (Matroska) files start with the EBML magic.
  assert.deepEqual([...clip.bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
  assert.deepEqual(errors, []);
});

test('the embed example renders two players, and the app offers the snippet', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${site.url}embed-example.html`);
  for (const [id, name] of [['player-sync', /synchronous chain/], ['player-async', /made async/]]) {
    const frame = page.frameLocator(`#${id}`);
    await frame.locator('[data-testid="scenario-name"]').filter({ hasText: name }).waitFor({ timeout: 30000 });
    // The canvas publishes its layout every few frames: wait for one of
    // this scenario.
    const frameTopology = frame.locator('#topology[data-layout*="recommendations"]');
    await frameTopology.waitFor({ timeout: 20000 });
    const layout = JSON.parse(await frameTopology.getAttribute('data-layout'));
    assert.ok(layout.items.some((i) => i.id === 'recommendations'));
    assert.equal(await frame.locator('#latency-chart').count(), 1);
    assert.equal(await frame.locator('#open-full').count(), 1);
    // Compact: no editor palette, no library.
    assert.equal(await frame.locator('#library').count(), 0);
  }
  const player = page.frameLocator('#player-async');
  await player.locator('#play').click();
  await player.locator('#play', { hasText: 'Pause' }).waitFor();
  await screenshot(page, 'embed-example');

  // The app's Embed dialog gives an iframe snippet with embed=1: the
  // shared page, reloaded with nothing kept, starts on the demo.
  const { page: app, errors: appErrors } = await keeperPage();
  await app.evaluate(() => localStorage.clear());
  await app.reload();
  await ready(app);
  await openMenu(app, '#menu-share');
  await app.locator('#embed-button').click();
  // The demo is a built-in scenario as shipped: embedded by name (the
  // dialog and its three forms are tests/e2e/embed.test.mjs's).
  const snippet = await app.locator('#embed-snippet').inputValue();
  assert.match(snippet, /^<iframe src="[^"]+[?&]embed=1&amp;scenario=station\.toml"/);
  await app.locator('#embed-close').click();
  assert.deepEqual([...errors, ...appErrors], []);
  await page.close();
});

test('safety: the page has a Content-Security-Policy, and scenario text never becomes HTML', async () => {
  const { page, errors } = await keeperPage();
  const html = await (await page.request.get(site.url)).text();
  const policy = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.match(policy, /object-src 'none'/);
  await ready(page);
  const evil = '<img src=x onerror="window.pwned=1">';
  const toml = `[scenario]\nname = '${evil}'\ndescription = '<script>window.pwned=2</script>'\n\n[[load]]\nid = "u"\ntarget = "a"\nrate = 10\n\n[[node]]\nid = "a"\nkind = "service"\nservice_time = { dist = "exp", mean = "1ms" }\n`;
  await page.locator('#import').setInputFiles({ name: 'evil.toml', mimeType: 'text/plain', buffer: Buffer.from(toml) });
  await nameIs(page, /img src=x/);
  assert.equal(await page.locator('[data-testid="scenario-name"]').textContent(), evil);
  assert.equal(await page.locator('.lesson img, .lesson script').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(errors, []);
});
