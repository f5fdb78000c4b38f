// Embeds in someone else's documentation, end to end: the app's embed
// dialog gives three snippets (an <iframe>, JSX for MDX, a script with the
// <scalesim-player> element); a doc page on a second loopback origin holds
// all three, at 1440 and 390 wide. No sideways scrolling, each frame as
// tall as its player (within a few px), Play works in each, a paused
// player requests no animation frame, axe-core finds nothing inside the
// player, and the reader's own work in the app (autosave, saved list) is
// the same after visiting the doc. A player with a bad address says what
// to do and plays nothing. A short scenario (a link) pauses at its
// duration, says so, and replays or continues; a link continued past its
// end opens there, says so, and replays from time zero.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { deflateRawSync } from 'node:zlib';
import { useSite, collectErrors, screenshot, ready, nameIs, openMenu, gotoFresh, ARTIFACTS } from './harness.mjs';

const site = useSite();
const require = createRequire(import.meta.url);

/** The doc site: a second origin (another port) serving `pages[path]`. */
const doc = { pages: {} };
before(async () => {
  doc.server = createServer((req, res) => {
    const body = doc.pages[new URL(req.url, 'http://x').pathname];
    if (body === undefined) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise((ok) => doc.server.listen(0, '127.0.0.1', ok));
  doc.url = `http://127.0.0.1:${doc.server.address().port}`;
});
after(() => new Promise((ok) => doc.server.close(ok)));

/** What MDX does with the JSX form: each `{expression}` evaluated, the
 * style object written as CSS. Throws if an expression is not valid. */
function jsxToHtml(jsx) {
  const attr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const text = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const css = (o) => Object.entries(o)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:${typeof v === 'number' ? `${v}px` : v}`)
    .join(';');
  let html = '';
  let i = 0;
  while (i < jsx.length) {
    const open = jsx.indexOf('{', i);
    if (open < 0) { html += jsx.slice(i); break; }
    let depth = 0;
    let j = open;
    let quoted = false;
    for (; j < jsx.length; j++) {
      const c = jsx[j];
      if (quoted) { if (c === '\\') j++; else if (c === '"') quoted = false; continue; }
      if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    const value = Function(`"use strict"; return (${jsx.slice(open + 1, j)});`)();
    const before = jsx.slice(i, open);
    html += before.endsWith('=')
      ? `${before}"${attr(typeof value === 'object' ? css(value) : String(value))}"`
      : before + text(String(value));
    i = j + 1;
  }
  return html;
}

/** Counts requestAnimationFrame calls in every frame of the page. */
async function countAnimationFrames(page) {
  await page.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    window.__rafCalls = 0;
    window.requestAnimationFrame = (callback) => { window.__rafCalls += 1; return raf(callback); };
  });
}

/** The player frames of the doc page, in document order. */
function playerFrames(page) {
  return page.frames().filter((f) => f.url().includes('embed=1'));
}

async function waitForPlayer(frame) {
  await frame.waitForFunction(
    () => document.querySelector('#play')?.disabled === false && document.querySelector('#topology, #latency-chart, #throughput-chart'),
    null,
    { timeout: 30000 },
  );
}

/** Sets a <select> or an input of the embed dialog and lets it re-render. */
async function setOption(page, selector, value) {
  const tag = await page.$eval(selector, (el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(selector, value);
  else await page.fill(selector, value);
  await page.$eval(selector, (el) => el.dispatchEvent(new Event('change', { bubbles: true })));
}

const snippets = {};
let kept = {};

test('the embed dialog: live preview, options, three forms; a lesson by name, an edit as a link with its own title', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await gotoFresh(page, site.url);
  await ready(page);
  // The reader's own work: a lesson, saved under a name too.
  await page.selectOption('#library', 'retry-storm.toml');
  await nameIs(page, /[Rr]etr/);
  await openMenu(page, '#menu-file');
  await page.fill('#save-name', 'my work');
  await page.click('#save');
  await page.waitForFunction(() => localStorage.getItem('scalesim.saved.v1')?.includes('my work'));
  // The fan-out lesson as shipped: embedded by name.
  await page.selectOption('#library', 'fanout-tail.toml');
  await nameIs(page, /[Ff]an/);
  await openMenu(page, '#menu-share');
  await page.click('#embed-button');
  await page.locator('.embed-dialog').waitFor();
  assert.equal(await page.$eval('#menu-share', (s) => s.parentElement.open), false, 'the Share menu closes behind the dialog');
  const iframe = await page.inputValue('#embed-snippet');
  assert.match(iframe, /^<iframe src="[^"]+\?embed=1&amp;scenario=fanout-tail\.toml"/);
  assert.match(iframe, /width="100%"/);
  assert.match(iframe, /<a href="[^"]+\?scenario=fanout-tail\.toml">Open “[^”]+” in scalesim<\/a><\/iframe>$/);
  const preview = page.frameLocator('#embed-preview');
  await preview.locator('[data-testid="headline"][data-figure="p50"]').waitFor({ timeout: 30000 });
  assert.equal(await preview.locator('[data-testid="headline"]').textContent(), '–', 'no figure before Play');
  assert.ok((await preview.locator('[data-testid="one-line"]').textContent()).length > 20, 'the one line of explanation');
  // Options reach the preview's address.
  await setOption(page, '#embed-show', 'topology');
  await setOption(page, '#embed-theme', 'dark');
  await setOption(page, '#embed-start', '20');
  await page.waitForFunction(() => /show=topology&theme=dark&t=20/.test(document.querySelector('#embed-preview').src));
  await preview.locator('#topology').waitFor({ timeout: 30000 });
  assert.equal(await preview.locator('#latency-chart').count(), 0);
  await preview.locator('[data-testid="sim-time"]', { hasText: '20.0 s' }).waitFor({ timeout: 30000 });
  await screenshot(page, 'embed-dialog-1440');
  await setOption(page, '#embed-show', 'both');
  await setOption(page, '#embed-theme', 'auto');
  await setOption(page, '#embed-start', '0');
  await setOption(page, '#embed-height', '400');
  snippets.lesson = { iframe: await page.inputValue('#embed-snippet') };
  assert.match(snippets.lesson.iframe, /height:400px/);
  await page.click('#embed-close');

  // An edited design: a link holding its text, a title of its own, the
  // load in force, the figure the lesson names.
  await page.click('#tab-inspector');
  await page.fill('#change', 'load.searches.rate = 15');
  await page.click('#apply');
  await page.locator('#undo:not([disabled])').waitFor();
  // The load slider at 10^0.5, snapped: 3.2×.
  await page.$eval('#load-multiplier', (s) => { s.value = '0.5'; s.dispatchEvent(new Event('input', { bubbles: true })); s.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.locator('[data-testid="load-multiplier"]', { hasText: '3.2×' }).waitFor();
  await openMenu(page, '#menu-share');
  await page.click('#embed-button');
  await page.locator('.embed-dialog').waitFor();
  // The dialog takes the focus as it opens, so Escape closes it at once.
  await page.waitForFunction(() => document.activeElement?.id === 'embed-close');
  assert.match(await page.inputValue('#embed-title'), /\(edited\)$/);
  await setOption(page, '#embed-height', '16:10');
  const mdx = await page.inputValue('#embed-mdx');
  assert.doesNotMatch(mdx, /style="/, 'no style string in the MDX form');
  assert.match(mdx, /^<iframe src=\{"[^"]+\?embed=1[^"]*#v2\.[A-Za-z0-9_-]+"\}/);
  assert.match(mdx, /aspectRatio: "16 \/ 10"/);
  await setOption(page, '#embed-height', 'auto');
  const element = await page.inputValue('#embed-element');
  assert.match(element, /^<script defer src="[^"]+\/scalesim-player\.js"><\/script>\n<scalesim-player src="[^"]+height=auto[^"]*#v2\./);
  assert.match(decodeURIComponent(element), /load=3\.2/, 'the load in force');
  snippets.edited = { mdx, element };
  await page.keyboard.press('Escape');
  await page.locator('.embed-dialog').waitFor({ state: 'detached' });
  // The reader's own work as the app keeps it: the edited fan-out (the doc
  // embeds the lesson as shipped, and a copy), and the saved list.
  await page.waitForFunction(() => localStorage.getItem('scalesim.autosave.v1')?.includes('rate = 15'));
  kept = await page.evaluate(() => ({
    autosave: localStorage.getItem('scalesim.autosave.v1'),
    saved: localStorage.getItem('scalesim.saved.v1'),
  }));
  assert.ok(kept.saved?.includes('my work'));
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, height] of [[1440, 900], [390, 844]]) {
  test(`a doc page on another origin with the three forms, at ${width}×${height}`, async () => {
    assert.ok(snippets.lesson && snippets.edited, 'the dialog test ran first');
    doc.pages['/doc.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>A design doc</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 760px; margin: 0 auto; padding: 0 16px; } figure { margin: 24px 0; }</style>
</head><body><h1>Why the search page hedges its shard calls</h1>
<p>The fan-out lesson, as an iframe:</p><figure id="form-iframe">${snippets.lesson.iframe}</figure>
<p>Our edited design, as the MDX form renders it:</p><figure id="form-mdx">${jsxToHtml(snippets.edited.mdx)}</figure>
<p>The same, with the script and the element:</p><figure id="form-element">${snippets.edited.element}</figure>
<p>The end.</p></body></html>`;
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await countAnimationFrames(page);
    await page.setViewportSize({ width, height });
    await page.goto(`${doc.url}/doc.html`);
    await page.waitForFunction(() => document.querySelectorAll('iframe').length === 3);
    // Lazy frames load as they come into view.
    for (const id of ['form-iframe', 'form-mdx', 'form-element']) {
      await page.locator(`#${id} iframe`).scrollIntoViewIfNeeded();
    }
    await page.waitForFunction(() => [...document.querySelectorAll('iframe')].every((f) => f.contentWindow && f.src));
    const frames = () => playerFrames(page);
    await page.waitForFunction(() => true);
    for (let i = 0; i < 100 && frames().length < 3; i++) await page.waitForTimeout(100);
    assert.equal(frames().length, 3);
    for (const frame of frames()) await waitForPlayer(frame);
    // The custom element follows its player's height.
    await page.waitForFunction(() => parseFloat(document.querySelector('#form-element iframe').style.height) > 200);
    await page.waitForTimeout(500);

    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth), 0, 'no sideways scrolling');
    const boxes = await page.$$eval('iframe', (fs) => fs.map((f) => ({ w: f.clientWidth, h: f.clientHeight })));
    for (const [i, frame] of frames().entries()) {
      const inner = await frame.evaluate(() => {
        const main = document.querySelector('main.player');
        return {
          height: main.getBoundingClientRect().height,
          scroll: main.scrollHeight,
          client: main.clientHeight,
          overflowX: document.documentElement.scrollWidth - innerWidth,
          clipped: [...document.querySelectorAll('.player-topology, .player-chart, .time-chart')]
            .filter((el) => el.scrollHeight > el.clientHeight + 2)
            .map((el) => `${el.className}: ${el.scrollHeight} in ${el.clientHeight}`),
        };
      });
      const delta = boxes[i].h - inner.height;
      console.log(`# ${width} px, frame ${i}: frame ${boxes[i].w}×${boxes[i].h}, player ${inner.height.toFixed(1)} tall (delta ${delta.toFixed(1)} px), content ${inner.scroll} in ${inner.client}`);
      assert.ok(Math.abs(delta) <= 3, `frame ${i}: ${boxes[i].h} px for a ${inner.height} px player`);
      assert.ok(inner.scroll <= inner.client + 3, `frame ${i}: content ${inner.scroll} px clipped to ${inner.client}`);
      assert.equal(inner.overflowX, 0, `frame ${i} scrolls sideways`);
      assert.deepEqual(inner.clipped, [], `frame ${i}: a part cut off`);
    }
    await screenshot(page, `embed-doc-${width}`);
    for (const id of ['form-iframe', 'form-mdx', 'form-element']) {
      await page.locator(`#${id} iframe`).scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.locator(`#${id}`).screenshot({ path: `${ARTIFACTS}/embed-${id}-${width}.png` });
    }

    // Play works in each; then pause.
    for (const frame of frames()) {
      await frame.click('#play');
      await frame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > 1, null, { timeout: 30000 });
      await frame.waitForFunction(() => document.querySelector('[data-testid="headline"]').textContent !== '–', null, { timeout: 30000 });
    }
    for (const id of ['form-iframe', 'form-mdx', 'form-element']) {
      await page.locator(`#${id} iframe`).scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.locator(`#${id}`).screenshot({ path: `${ARTIFACTS}/embed-${id}-${width}-playing.png` });
    }
    for (const frame of frames()) {
      await frame.click('#play');
      await frame.locator('#play', { hasText: 'Play' }).waitFor();
    }

    // Paused and idle: no animation frame requested.
    await page.waitForTimeout(1500);
    const cdp = await site.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const calls = () => Promise.all(frames().map((f) => f.evaluate(() => window.__rafCalls)));
    const [before, busyBefore] = [await calls(), await busy()];
    await page.waitForTimeout(3000);
    const [afterCalls, busyAfter] = [await calls(), await busy()];
    const share = (busyAfter - busyBefore) / 3;
    console.log(`# ${width} px, paused for 3 s: animation frames requested ${afterCalls.map((a, i) => a - before[i]).join(', ')}; main thread busy ${(share * 100).toFixed(2)}% of the time`);
    assert.deepEqual(afterCalls.map((a, i) => a - before[i]), [0, 0, 0], 'a paused player requests no animation frame');

    // axe-core inside a player.
    const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    const first = frames()[0];
    await first.evaluate(axe);
    const violations = await first.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
    });
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("the reader's own work in the app is untouched by the doc's embeds", async () => {
  assert.ok(kept.autosave, 'the dialog test kept the work first');
  const page = await site.context.newPage();
  await page.goto(site.url);
  await ready(page);
  const now = await page.evaluate(() => ({
    autosave: localStorage.getItem('scalesim.autosave.v1'),
    saved: localStorage.getItem('scalesim.saved.v1'),
  }));
  assert.deepEqual(now, kept);
  await nameIs(page, /Fan-out/);
  await page.close();
});

test('a player with a bad address says what to do and plays nothing', async () => {
  const page = await site.context.newPage();
  for (const [query, words] of [
    ['embed=1&scenario=no-such.toml', /no built-in scenario called “no-such\.toml”.*Open scalesim/],
    ['embed=1#v2.AAAAbroken', /Open scalesim to start afresh/],
    ['embed=1', /does not say which scenario/],
  ]) {
    await page.goto(`${site.url}?${query}`);
    const alert = page.locator('[data-testid="player-error"]');
    await alert.waitFor({ timeout: 20000 });
    assert.match(await alert.textContent(), words);
    assert.equal(await page.locator('#play').count(), 0, `${query}: nothing to play`);
    assert.equal(await page.locator('#topology').count(), 0);
  }
  await page.close();
});

test('the wheel scrolls the doc over a diagram that has no focus', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1000, height: 700 });
  doc.pages['/wheel.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>wheel</title></head><body style="margin:0">
<div style="height:200px"></div>${snippets.lesson.iframe}<div style="height:2000px"></div></body></html>`;
  await page.goto(`${doc.url}/wheel.html`);
  await page.waitForFunction(() => document.querySelector('iframe'));
  for (let i = 0; i < 100 && playerFrames(page).length < 1; i++) await page.waitForTimeout(100);
  const frame = playerFrames(page)[0];
  await waitForPlayer(frame);
  const box = await page.locator('iframe').boundingBox();
  const canvas = await frame.locator('#topology').boundingBox();
  await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  await page.mouse.wheel(0, 300);
  await page.waitForFunction(() => scrollY > 100, null, { timeout: 5000 });
  assert.ok(box.height > 0);
  await page.close();
});

/** A share link's fragment for `toml`, as the app writes one. */
function linkFragment(file, toml, more = {}) {
  const json = JSON.stringify({ file, toml, seed: 1, time_ns: 0, load: 1, ...more });
  return `v2.${deflateRawSync(Buffer.from(json)).toString('base64url')}`;
}

test('a frame with sandbox="allow-scripts" plays: storage refused, nothing crashes; a short scenario finishes, replays and continues', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  // Beside it, in an ordinary frame: the station lesson cut to 2 s, as a
  // link (an author's own scenario).
  const station = await readFile(new URL('../../scenarios/station.toml', import.meta.url), 'utf8');
  const short = linkFragment('short.toml', station.replace(/^duration = .*$/m, 'duration = "2s"'));
  doc.pages['/sandbox.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sandbox</title></head><body>
<iframe sandbox="allow-scripts" src="${site.url}?embed=1&amp;scenario=station.toml" title="scalesim: sandboxed" style="width:100%;height:420px"></iframe>
<iframe src="${site.url}?embed=1#${short}" title="scalesim: a short scenario" style="width:100%;height:420px"></iframe></body></html>`;
  await page.goto(`${doc.url}/sandbox.html`);
  for (let i = 0; i < 100 && playerFrames(page).length < 2; i++) await page.waitForTimeout(100);
  const [frame, shortFrame] = playerFrames(page);
  await waitForPlayer(frame);
  assert.equal(await frame.evaluate(() => { try { return typeof localStorage; } catch { return 'refused'; } }), 'refused');
  await frame.click('#play');
  await waitForPlayer(shortFrame);
  await shortFrame.click('#play');
  await frame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > 1, null, { timeout: 30000 });

  // The short one pauses at its 2 s and says so, offering Replay and
  // Continue as the workbench does.
  const clock = () => shortFrame.evaluate(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent));
  const finished = shortFrame.locator('[data-testid="finished"]');
  await finished.waitFor({ timeout: 20000 });
  assert.match(await finished.textContent(), /^Finished at 2\.0 s, the scenario's duration\.ReplayContinue$/);
  assert.equal(await shortFrame.locator('#play').textContent(), 'Play');
  assert.equal(await clock(), 2);
  await page.locator('iframe').nth(1).screenshot({ path: `${ARTIFACTS}/gaps-embed-finished-frame.png` });
  // Replay: from the start again, playing, and finished again at 2 s.
  await shortFrame.click('#replay');
  await shortFrame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) < 2
    && document.querySelector('#play').textContent === 'Pause', null, { timeout: 10000 });
  assert.equal(await finished.count(), 0, 'replaying, not finished');
  await finished.waitFor({ timeout: 20000 });
  assert.equal(await clock(), 2);
  // Continue: past the end, the notice gone.
  await shortFrame.click('#continue');
  await shortFrame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > 2.5, null, { timeout: 10000 });
  assert.equal(await finished.count(), 0, 'past the end, not finished');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link continued past its end says so; Replay watches it from time zero and pauses at the end', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  const station = await readFile(new URL('../../scenarios/station.toml', import.meta.url), 'utf8');
  const past = linkFragment('short.toml', station.replace(/^duration = .*$/m, 'duration = "2s"'), { time_ns: 4e9, past_end: true });
  doc.pages['/past.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>past</title></head><body>
<iframe src="${site.url}?embed=1#${past}" title="scalesim: past its end" style="width:100%;height:420px"></iframe></body></html>`;
  await page.goto(`${doc.url}/past.html`);
  for (let i = 0; i < 100 && playerFrames(page).length < 1; i++) await page.waitForTimeout(100);
  const frame = playerFrames(page)[0];
  await waitForPlayer(frame);
  const clock = () => frame.evaluate(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent));
  // Opened where the sharer left it, past the 2 s, and it says so.
  const notice = frame.locator('[data-testid="past-end"]');
  await notice.waitFor({ timeout: 30000 });
  assert.equal(await clock(), 4);
  assert.match(await notice.textContent(), /^Past the scenario's duration \(2\.0 s\): this run went on to 4\.0 s\.Replay from the startContinue$/);
  await page.locator('iframe').screenshot({ path: `${ARTIFACTS}/embed-past-end.png` });
  // Continue plays on from there; the notice is gone while it plays.
  await frame.click('#continue');
  await frame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > 4.5, null, { timeout: 10000 });
  assert.equal(await notice.count(), 0, 'playing on');
  await frame.click('#play');
  await notice.waitFor();
  // Replay from the start: time zero, playing, and finished at the 2 s.
  await frame.click('#replay');
  await frame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) < 2
    && document.querySelector('#play').textContent === 'Pause', null, { timeout: 10000 });
  await frame.locator('[data-testid="finished"]').waitFor({ timeout: 20000 });
  assert.equal(await clock(), 2);
  assert.equal(await notice.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("“Open in scalesim” opens the reader's run as it is now: the load, the time", async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1000, height: 800 });
  doc.pages['/open.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>open</title></head><body>
${snippets.lesson.iframe}</body></html>`;
  await page.goto(`${doc.url}/open.html`);
  for (let i = 0; i < 100 && playerFrames(page).length < 1; i++) await page.waitForTimeout(100);
  const frame = playerFrames(page)[0];
  await waitForPlayer(frame);
  // The reader turns the load up (10^1 = 10×), plays a few seconds, pauses.
  await frame.$eval('#load-multiplier', (s) => { s.value = '1'; s.dispatchEvent(new Event('input', { bubbles: true })); s.dispatchEvent(new Event('change', { bubbles: true })); });
  await frame.locator('[data-testid="load-multiplier"]', { hasText: '10×' }).waitFor();
  await frame.click('#play');
  await frame.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > 2, null, { timeout: 30000 });
  await frame.click('#play');
  await frame.locator('#play', { hasText: 'Play' }).waitFor();
  const shown = await frame.locator('[data-testid="sim-time"]').textContent();
  const [app] = await Promise.all([site.context.waitForEvent('page'), frame.click('#open-full')]);
  await app.waitForLoadState();
  assert.match(app.url(), /#v2\.[A-Za-z0-9_-]+$/);
  await ready(app);
  await app.locator('[data-testid="load-multiplier"]', { hasText: '10×' }).waitFor({ timeout: 20000 });
  await app.locator('[data-testid="sim-time"]', { hasText: shown }).waitFor({ timeout: 30000 });
  await app.close();
  await page.close();
});
