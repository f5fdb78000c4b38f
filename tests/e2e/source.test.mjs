// The Source tab, driven with real keyboard and mouse events: the file as
// text, an edit applied live (comments kept, one undo step), a typo
// refused with its line and "did you mean", the draft kept, the problem's
// line selected on a click, and the fix applied (Ctrl+Enter); at 1280x720
// and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, ready } from './harness.mjs';

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
  await page.goto(site.url);
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
