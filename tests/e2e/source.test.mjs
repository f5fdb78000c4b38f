// The Source tab, driven with real keyboard and mouse events: the file as
// text, an edit applied live (comments kept, one undo step), a typo
// refused with its line and "did you mean", the draft kept, the problem's
// line selected on a click, and the fix applied (Ctrl+Enter); at 1280x720
// and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, ready, gotoFresh } from './harness.mjs';

const site = useSite();

const text = (page) => page.$eval('#source-text', (t) => t.value);

/** Selects the first `needle` in the text area, as a double-click and a
 * drag would, so the next keys typed replace it. */
async function selectText(page, needle) {
  const found = await page.$eval('#source-text', (t, needle) => {
    const at = t.value.indexOf(needle);
    if (at < 0) return false;
    t.focus();
    t.setSelectionRange(at, at + needle.length);
    return true;
  }, needle);
  assert.ok(found, `the text area holds ${needle}`);
}

/** Waits until the worker has taken the draft: nothing is left to apply
 * (until then the text area shows the draft itself). */
const applied = (page) => page.waitForFunction(
  () => document.querySelector('#source-apply')?.disabled
    && !document.querySelector('.source-actions')?.textContent.includes('Not applied'),
  null,
  { timeout: 15000 },
);

/** Waits until the text area's text satisfies `check`. */
async function textWhere(page, check, what) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const t = await text(page);
    if (check(t)) return t;
    if (Date.now() > deadline) throw new Error(`the Source tab never showed ${what}:\n${t}`);
    await page.waitForTimeout(100);
  }
}

async function openSource(page) {
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#tab-source').click();
  return textWhere(page, (t) => t.includes('[scenario]'), 'the scenario file');
}

test('the Source tab edits the file as text: applied live, comments kept, one undo step', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = collectErrors(page);
  const original = await openSource(page);
  assert.match(original, /^# The simplest system that can be overloaded/);
  assert.ok(await page.locator('#source-apply').isDisabled(), 'nothing to apply before an edit');

  await page.locator('#play').click();
  await selectText(page, 'workers = 2');
  await page.keyboard.type('workers = 3  # one more');
  assert.ok(await page.locator('#source-apply').isEnabled());
  await page.locator('#source-apply').click();

  // Applied live: the file now reads as typed, everything else as it was.
  await applied(page);
  assert.equal(await text(page), original.replace('workers = 2', 'workers = 3  # one more'));
  await page.waitForFunction(
    () => /api: \d+\/3 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''),
    null,
    { timeout: 15000 },
  );
  await screenshot(page, 'source-applied-1280');

  // One undo step back to the file as it was.
  await page.locator('#undo').click();
  await textWhere(page, (t) => t === original, 'the text before the edit');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a typo is refused with its line; the draft stays; a click selects the line; the fix applies', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = collectErrors(page);
  const original = await openSource(page);

  await selectText(page, 'workers = 2');
  await page.keyboard.type('workerz = 4');
  await page.locator('#source-apply').click();
  const problems = page.locator('[data-testid="source-problems"]');
  await problems.waitFor({ timeout: 15000 });
  assert.match(await problems.textContent(), /Not applied: 1 problem in the scenario \(the run goes on with the file as it was\)/);
  assert.match(await problems.textContent(), /line 23: `node "api"\.workerz`: unknown key; did you mean `workers`\?/);
  // Nothing is lost: the draft is still there to fix.
  assert.ok((await text(page)).includes('workerz = 4'));
  await screenshot(page, 'source-refused-1280');

  // The problem's line, selected in the text area.
  await problems.locator('button', { hasText: 'workerz' }).click();
  const selected = await page.$eval('#source-text', (t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(selected, 'workerz = 4');

  await page.keyboard.type('workers = 4');
  await page.keyboard.press('Control+Enter');
  await applied(page);
  assert.equal(await text(page), original.replace('workers = 2', 'workers = 4'));
  await problems.waitFor({ state: 'detached', timeout: 15000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a draft not applied comes back after a reload, its problems listed, the run on the last file that runs', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = collectErrors(page);
  const original = await openSource(page);
  await selectText(page, 'workers = 2');
  await page.keyboard.type('workerss = 3');
  await selectText(page, 'rate = 1500');
  await page.keyboard.type('rate = -5');
  const draft = await text(page);
  await page.keyboard.press('Control+Enter');
  const problems = page.locator('[data-testid="source-problems"]');
  await problems.waitFor({ timeout: 15000 });
  const before = await problems.textContent();
  assert.match(before, /2 problems/);

  // Reloaded: the Source tab opens on the draft, with the same problems.
  await page.reload();
  await ready(page);
  assert.equal(await page.getAttribute('#tab-source', 'aria-selected'), 'true');
  await problems.waitFor({ timeout: 15000 });
  assert.equal(await text(page), draft);
  assert.equal(await problems.textContent(), before);
  assert.match(before, /line 18: `load "users"\.rate`/);
  assert.match(before, /line 23: `node "api"\.workerss`: unknown key; did you mean `workers`\?/);
  await screenshot(page, 'source-reloaded-1280');
  // The run is the last file that runs: two workers, 1 500 requests/s.
  await page.locator('#play').click();
  await page.waitForFunction(
    () => /api: \d+\/2 busy/.test(document.querySelector('[data-testid="node-states"]')?.textContent ?? ''),
    null,
    { timeout: 15000 },
  );

  // On a phone, in the Details view, the same.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await ready(page);
  await page.locator('#view-panel').click();
  await problems.waitFor({ timeout: 15000 });
  assert.equal(await text(page), draft);
  await screenshot(page, 'source-reloaded-390');

  // Reverted, it is forgotten: the next visit shows the file.
  await page.locator('#source-revert').click();
  await textWhere(page, (t) => t === original, 'the file after Revert');
  await page.reload();
  await ready(page);
  assert.equal(await page.getAttribute('#tab-source', 'aria-selected'), 'false');
  await page.locator('#view-panel').click();
  await page.locator('#tab-source').click();
  await textWhere(page, (t) => t === original, 'the file on the next visit');
  assert.equal(await problems.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an edit made elsewhere while a draft is open keeps the draft and says so', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  const errors = collectErrors(page);
  await page.goto(site.url);
  await ready(page);
  await page.locator('#view-panel').click();
  await page.locator('#tab-source').click();
  await textWhere(page, (t) => t.includes('[scenario]'), 'the scenario file');
  await page.locator('#source-text').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# a note of mine\n');

  // The live-change field edits the file meanwhile.
  await page.locator('#tab-inspector').click();
  await page.locator('#change').fill('api.workers = 5');
  await page.locator('#apply').click();
  await page.locator('#tab-source').click();
  await page.locator('[data-testid="source-moved"]').waitFor({ timeout: 15000 });
  assert.ok((await text(page)).endsWith('# a note of mine\n'), 'the draft is kept');
  const box = await page.locator('#source-text').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the text area fits the phone: ${JSON.stringify(box)}`);
  await screenshot(page, 'source-moved-390');

  await page.locator('#source-revert').click();
  await textWhere(page, (t) => t.includes('workers = 5') && !t.includes('a note of mine'), 'the file as edited');
  assert.deepEqual(errors, []);
  await page.close();
});

/** A valid scenario of `nodes` services in a binary tree of sync calls,
 * padded with comment lines to `lines` lines. */
function bigScenario(nodes, lines) {
  const out = ['[scenario]', 'name = "A big tree"', 'seed = 1', 'duration = "60s"', '',
    '[[load]]', 'id = "users"', 'target = "s0"', 'rate = 1', ''];
  for (let i = 0; i < nodes; i++) {
    out.push('[[node]]', `id = "s${i}"`, 'kind = "service"', 'service_time = { dist = "const", value = "1us" }');
    for (const c of [2 * i + 1, 2 * i + 2]) if (c < nodes) out.push('  [[node.call]]', `  to = "s${c}"`);
  }
  while (out.length < lines) out.push(`# note ${out.length}`);
  return `${out.join('\n')}\n`;
}

/** The page's display locks: elements whose content Chromium keeps laid
 * out but locked (`content-visibility` other than visible, a closed
 * `<details>`'s content unless it is `display: none`, `hidden="until-found"`).
 * With any of them in the document, every frame goes over the whole
 * selection. */
const displayLocks = (page) => page.evaluate(() => [...document.querySelectorAll('*')]
  .filter((e) => getComputedStyle(e).contentVisibility !== 'visible'
    || e.getAttribute('hidden') === 'until-found'
    || (e.localName === 'details' && !e.open
      && getComputedStyle(e, '::details-content').contentVisibility !== 'visible'
      && getComputedStyle(e, '::details-content').display !== 'none'))
  .map((e) => `${e.localName}${e.id ? `#${e.id}` : ''}${e.className ? `.${e.className}` : ''}`));

/** How long the page takes to run the next animation frame (ms). */
const frameRoundTrip = (page) => page.evaluate(
  () => new Promise((done) => { const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t)); }),
);

test('a large text selected whole keeps the page responsive while a run plays', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = collectErrors(page);
  // Counts reads of a text area's value: a render of the Source tab reads
  // it back whole to compare it with the draft.
  await page.addInitScript(() => {
    const value = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
    window.sourceReads = 0;
    Object.defineProperty(HTMLTextAreaElement.prototype, 'value', {
      ...value,
      get() { if (this.id === 'source-text') window.sourceReads += 1; return value.get.call(this); },
    });
  });
  await openSource(page);
  assert.deepEqual(await displayLocks(page), [], 'no display lock in the page');
  await page.locator('#play').click();
  const big = bigScenario(1100, 8000);
  assert.equal(big.split('\n').length - 1, 8000);
  await page.$eval('#source-text', (t, v) => {
    t.value = v;
    t.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, big);
  await page.locator('#source-apply').waitFor({ state: 'visible' });
  assert.ok(await page.locator('#source-apply').isEnabled(), 'the pasted text is a draft to apply');

  // The run's frames do not render the tab again (nor read its text).
  const reads = await page.evaluate(() => window.sourceReads);
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.sourceReads) - reads, 0, 'the run\'s frames leave the Source tab alone');

  await page.locator('#source-text').focus();
  await page.keyboard.press('Control+A');
  assert.equal(await page.$eval('#source-text', (t) => t.selectionEnd - t.selectionStart), big.length);
  // Each frame once took over a second with 8 000 lines selected (a closed
  // <details> in the page, a display lock, made Chromium go over the whole
  // selection every frame); now tens of milliseconds. The bound leaves room
  // for a loaded two-core machine.
  const trips = [];
  for (let i = 0; i < 7; i++) trips.push(await frameRoundTrip(page));
  trips.sort((a, b) => a - b);
  const median = trips[3];
  assert.ok(median < 400, `a frame within 400 ms with 8 000 lines selected, not ${median.toFixed(0)} ms (${trips.map(Math.round)})`);
  console.log(`8 000 lines selected whole: a frame in ${trips.map(Math.round).join(', ')} ms`);

  // Typing replaces the selection, as in any text area.
  await page.keyboard.type('# ');
  assert.equal(await text(page), '# ');
  assert.deepEqual(errors, []);
  await page.close();
});
