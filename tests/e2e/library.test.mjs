// The scenario library in the page: pick a lesson, read its explanation,
// open its cure, play it; and the "what scalesim models" page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, readStat, gotoFresh, nameIs, ready, openMenu, layoutWhere, pick, kept as autosaved, drag } from './harness.mjs';

const site = useSite();


test('a lesson opens from the library, explains itself, and its cure opens and plays', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(site.url);
  await nameIs(page, /two workers/);

  // Every lesson and cure is listed.
  const options = await page.locator('#library option').count();
  assert.equal(options, 46);

  await page.selectOption('#library', 'sync-chain.toml');
  await nameIs(page, /synchronous chain: the slowest link/);
  const lesson = await page.locator('.lesson').textContent();
  assert.match(lesson, /Watch:/);
  assert.match(lesson, /Try:/);
  assert.match(lesson, /recommendations/);

  await page.locator('#partner').click();
  await nameIs(page, /made async/);
  assert.equal(await page.locator('#library').inputValue(), 'sync-chain-async.toml');

  await page.waitForFunction(() => document.querySelector('#play')?.disabled === false, null, { timeout: 20000 });
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="windows"]').textContent) >= 5,
    null,
    { timeout: 30000 },
  );
  // The cured chain answers in tens of milliseconds, not hundreds.
  const p99 = parseFloat(await readStat(page, 'p99'));
  assert.ok(p99 > 0 && p99 < 60, `p99 of the async chain: ${p99} ms`);

  // The models page is fetched when it is first opened.
  await page.locator('#models summary').click();
  await page.locator('#models h3').first().waitFor({ timeout: 10000 });
  const models = await page.locator('#models').textContent();
  assert.match(models, /What it simplifies/);
  assert.match(models, /The network is latency and loss/);
  await screenshot(page, 'library');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a library file that is missing is reported and the running scenario is kept', async () => {
  const page = await site.context.newPage();
  await page.route('**/scenarios/retry-storm.toml', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await gotoFresh(page, site.url);
  await nameIs(page, /two workers/);
  await page.selectOption('#library', 'retry-storm.toml');
  await page.locator('.error').waitFor({ timeout: 20000 });
  assert.match(await page.locator('.error').textContent(), /could not open retry-storm\.toml: HTTP 404/);
  // Still the demo, still playable.
  await nameIs(page, /two workers/);
  assert.equal(await page.locator('#play').isDisabled(), false);

  // The models page, fetched on opening: a failure says so, and the next
  // opening tries again.
  await page.route('**/models.md', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.locator('#models summary').click();
  await page.locator('#models [role="alert"]').waitFor({ timeout: 10000 });
  assert.match(await page.locator('#models').textContent(), /could not be loaded \(HTTP 404\)/);
  await page.unroute('**/models.md');
  await page.locator('#models summary').click();
  await page.locator('#models summary').click();
  await page.locator('#models h3').first().waitFor({ timeout: 10000 });
  assert.match(await page.locator('#models').textContent(), /What it simplifies/);
  assert.equal(await page.locator('#models [role="alert"]').count(), 0);
  await page.close();
});

const item = (layout, id) => layout.items.find((i) => i.id === id);
const savedNames = async (page) => (await page.locator('#saved option').allTextContents()).slice(1);

test('picking a library entry over edits keeps them in Saved, says where, and goes back in one click', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await pick(page, 'sync-chain.toml', /synchronous chain/);

  // The reviewer's edits: recommendations dragged into the background,
  // and a new external behind it.
  let layout = await layoutWhere(page, (l) => item(l, 'recommendations'), 'recommendations');
  const rec = item(layout, 'recommendations');
  await drag(page, rec, { x: rec.x, y: layout.boundary + 70 });
  await layoutWhere(page, (l) => item(l, 'recommendations')?.lane === 'async', 'recommendations in the background');
  // The drag kept the Lesson tab; the Inspector's list selects.
  await page.locator('#tab-inspector').click();
  await page.locator('.component-list button', { hasText: 'recommendations' }).click();
  await page.locator('#add-external').click();
  await layoutWhere(page, (l) => item(l, 'external'), 'the new external');

  // Another lesson: no dialog; the edits are in Saved, and the notice says so.
  await pick(page, 'retry-storm.toml', /retry storm/);
  const kept = page.locator('[data-testid="kept"]');
  await kept.waitFor({ timeout: 10000 });
  const name = "A synchronous chain: the slowest link sets everyone's latency (edited)";
  assert.match(await kept.textContent(), /Your edits are kept in File ▸ Saved as “A synchronous chain: .* \(edited\)”/);
  await screenshot(page, 'library-kept-1280');
  await openMenu(page, '#menu-file');
  assert.deepEqual(await savedNames(page), [name]);
  await page.keyboard.press('Escape');

  // Back and forth, unedited: nothing piles up, and the notice stays.
  await pick(page, 'sync-chain.toml', /synchronous chain/);
  await pick(page, 'retry-storm.toml', /retry storm/);
  await page.waitForTimeout(500);
  assert.match(await kept.textContent(), /“A synchronous chain: .* \(edited\)”/);
  await openMenu(page, '#menu-file');
  assert.deepEqual(await savedNames(page), [name]);
  await page.keyboard.press('Escape');

  // One click back: the edited chain, as it was.
  await pick(page, 'sync-chain.toml', /synchronous chain/);
  await page.locator('#tab-inspector').click();
  await page.locator('.component-list button', { hasText: 'payments' }).click();
  await page.locator('#add-cache').click();
  await layoutWhere(page, (l) => l.items.some((i) => i.id.startsWith('cache')), 'a cache');
  await pick(page, 'retry-storm.toml', /retry storm/);
  await kept.waitFor({ timeout: 10000 });
  // Other edits of the same lesson never replace the first ones.
  assert.match(await kept.textContent(), /\(edited 2\)/);
  await openMenu(page, '#menu-file');
  await page.selectOption('#saved', name);
  await nameIs(page, /synchronous chain/);
  layout = await layoutWhere(page, (l) => item(l, 'external'), 'the kept edits');
  assert.equal(item(layout, 'recommendations').lane, 'async');
  assert.equal(item(layout, 'external').lane, 'async');

  // Edited further and left again: the same entry, replaced.
  await page.locator('#tab-inspector').click();
  await page.locator('.component-list button', { hasText: 'recommendations' }).click();
  await page.locator('#add-external').click();
  const twoExternals = (l) => l.items.filter((i) => i.id.startsWith('external')).length === 2;
  await layoutWhere(page, twoExternals, 'a second external');
  await pick(page, 'retry-storm.toml', /retry storm/);
  await kept.waitFor({ timeout: 10000 });
  assert.match(await kept.textContent(), /“A synchronous chain: .* \(edited\)”/);
  await openMenu(page, '#menu-file');
  assert.equal((await savedNames(page)).length, 2);
  await page.keyboard.press('Escape');
  await page.locator('#kept-back').click();
  await nameIs(page, /synchronous chain/);
  await layoutWhere(page, twoExternals, 'the kept edits, by the notice');
  assert.equal(await kept.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 390 px the kept notice reads whole over the view, and is dismissed', async () => {
  const page = await site.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#add-external').click();
  await page.locator('#undo:not([disabled])').waitFor({ timeout: 10000 });
  await pick(page, 'sync-chain.toml', /synchronous chain/);
  const kept = page.locator('[data-testid="kept"]');
  await kept.waitFor({ timeout: 10000 });
  assert.match(await kept.textContent(), /Saved as “One service, two workers \(edited\)”/);
  const box = await kept.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, JSON.stringify(box));
  await screenshot(page, 'library-kept-390');
  await page.locator('#kept-dismiss').click();
  assert.equal(await kept.count(), 0);
  await page.close();
});

/** Types `typed` over the first `needle` in the Source tab: a draft, not
 * applied. */
async function draftOver(page, needle, typed) {
  await page.locator('#tab-source').click();
  await page.waitForFunction((n) => document.querySelector('#source-text')?.value.includes(n), needle, { timeout: 15000 });
  await page.$eval('#source-text', (t, n) => {
    const at = t.value.indexOf(n);
    t.focus();
    t.setSelectionRange(at, at + n.length);
  }, needle);
  await page.keyboard.type(typed);
  await page.locator('#source-apply:not([disabled])').waitFor({ timeout: 5000 });
}

const sourceText = (page) => page.$eval('#source-text', (t) => t.value);
const storage = (page) => page.evaluate(() => ({ ...localStorage }));
const savedList = async (page) => JSON.parse((await storage(page))['scalesim.saved.v1'] ?? '[]');

test('a Source draft left open over a library pick is kept with its document and comes back with it', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await draftOver(page, 'workers = 2', 'workers = 7  # my draft');

  // Another lesson: the document (unedited) and the draft over it are kept.
  await pick(page, 'retry-storm.toml', /retry storm/);
  const kept = page.locator('[data-testid="kept"]');
  await kept.waitFor({ timeout: 10000 });
  assert.match(await kept.textContent(), /Your edits and your Source draft are kept in File ▸ Saved as “One service, two workers \(edited\)”/);
  const [entry] = await savedList(page);
  assert.equal(entry.name, 'One service, two workers (edited)');
  assert.match(entry.toml, /workers = 2/);
  assert.match(entry.draft, /workers = 7 {2}# my draft/);
  // The Source tab shows the lesson opened, with no draft over it.
  const lesson = await (async () => {
    await page.waitForFunction(() => document.querySelector('#source-text')?.value.includes('retry storm'), null, { timeout: 15000 });
    return sourceText(page);
  })();
  assert.ok(!lesson.includes('# my draft'));
  assert.ok(await page.locator('#source-apply').isDisabled());
  await screenshot(page, 'library-draft-kept-1280');

  // Back to my edits: the document, and the draft over it, not applied.
  await page.locator('#kept-back').click();
  await nameIs(page, /two workers/);
  await page.waitForFunction(() => document.querySelector('#source-text')?.value.includes('# my draft'), null, { timeout: 15000 });
  assert.ok(await page.locator('#source-apply').isEnabled(), 'the draft is there to apply');
  assert.equal(await page.locator('[data-testid="source-moved"], [data-testid="source-problems"]').count(), 0);
  await page.locator('#source-apply').click();
  await page.waitForFunction(() => document.querySelector('#source-apply')?.disabled, null, { timeout: 15000 });
  assert.match(await sourceText(page), /workers = 7 {2}# my draft/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a share link opened over edited autosaved work keeps it (and its Source draft) in Saved; an embed touches nothing', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  // A teammate's link, made here for the test: the retry storm, unedited.
  await pick(page, 'retry-storm.toml', /retry storm/);
  await openMenu(page, '#menu-share');
  await page.locator('#share').click();
  await page.waitForFunction(() => document.querySelector('#share-url')?.value.includes('#v2.'), null, { timeout: 20000 });
  const link = await page.locator('#share-url').inputValue();
  await page.keyboard.press('Escape');

  // The user's own work: the demo edited, and a draft left in Source.
  await pick(page, 'station.toml', /two workers/);
  await page.locator('#tab-inspector').click();
  await page.locator('#add-external').click();
  await page.locator('#undo:not([disabled])').waitFor({ timeout: 10000 });
  await autosaved(page, /kind = "external"/);
  await draftOver(page, 'workers = 2', 'workers = 5  # draft over my edits');
  await page.waitForFunction(() => localStorage.getItem('scalesim.draft.v1')?.includes('draft over my edits'), null, { timeout: 5000 });
  const before = await storage(page);
  await page.close();

  // The link embedded in a doc page's player: storage is left alone.
  const player = await site.context.newPage();
  await player.goto(link.replace('#', '?embed=1#'));
  await nameIs(player, /retry storm/);
  await player.locator('#play:not([disabled])').waitFor({ timeout: 20000 });
  await player.waitForTimeout(1000);
  assert.deepEqual(await storage(player), before);
  await player.close();

  // The link opened in the app: the run is the link's, the work is in Saved.
  const opened = await site.context.newPage();
  await opened.setViewportSize({ width: 1280, height: 720 });
  await opened.goto(link);
  await nameIs(opened, /retry storm/);
  await ready(opened);
  const kept = opened.locator('[data-testid="kept"]');
  await kept.waitFor({ timeout: 10000 });
  assert.match(await kept.textContent(), /Your edits and your Source draft are kept in File ▸ Saved as “One service, two workers \(edited\)”/);
  await openMenu(opened, '#menu-file');
  assert.deepEqual(await savedNames(opened), ['One service, two workers (edited)']);
  await opened.keyboard.press('Escape');
  const [entry] = await savedList(opened);
  assert.match(entry.toml, /kind = "external"/);
  assert.match(entry.draft, /workers = 5 {2}# draft over my edits/);
  await screenshot(opened, 'library-link-kept-1280');
  await opened.setViewportSize({ width: 390, height: 844 });
  const box = await kept.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, JSON.stringify(box));
  await screenshot(opened, 'library-link-kept-390');
  await opened.setViewportSize({ width: 1280, height: 720 });

  // One click back: the edited work, its draft in the Source tab.
  await opened.locator('#kept-back').click();
  await nameIs(opened, /two workers/);
  await layoutWhere(opened, (l) => item(l, 'external'), 'the kept edits');
  await opened.waitForFunction(() => document.querySelector('#source-text')?.value.includes('draft over my edits'), null, { timeout: 15000 });
  assert.deepEqual(errors, []);
  await opened.close();
});

/** Share ▸ Copy link, and the link. */
async function copyLink(page) {
  await openMenu(page, '#menu-share');
  await page.locator('#share').click();
  await page.waitForFunction(() => document.querySelector('#share-url')?.value.includes('#v2.'), null, { timeout: 20000 });
  const link = await page.locator('#share-url').inputValue();
  await page.keyboard.press('Escape');
  return link;
}

/** The demo at 1280×720, edited (an external added, autosaved) and
 * shared: the link is in the address. */
async function editedAndShared(page) {
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.locator('#tab-inspector').click();
  await page.locator('#add-external').click();
  await autosaved(page, /kind = "external"/);
  await copyLink(page);
  assert.match(page.url(), /#v2\./);
}

test('a link shared (or a lesson named in the address) before a pick is not offered or reopened after it; a link pasted into the open tab opens, the edits kept', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await editedAndShared(page);

  // Another lesson after sharing: the old link is neither offered as this
  // one's nor kept in the address, so a reload opens the lesson.
  await pick(page, 'sync-chain.toml', /synchronous chain/);
  await openMenu(page, '#menu-share');
  assert.equal(await page.locator('#share-url').count(), 0, 'no stale link under Share');
  await page.keyboard.press('Escape');
  assert.ok(!page.url().includes('#'), page.url());
  await page.reload();
  await nameIs(page, /synchronous chain/);
  await ready(page);

  // A teammate's link pasted into this tab's address bar: only the
  // fragment changes, yet the link opens, and the edited chain is kept.
  const teammate = await site.context.newPage();
  await teammate.goto(`${site.url}?scenario=retry-storm.toml`);
  await nameIs(teammate, /retry storm/);
  await ready(teammate);
  const link = await copyLink(teammate);
  await teammate.close();
  await page.locator('#tab-inspector').click();
  await page.locator('.component-list button', { hasText: 'payments' }).click();
  await page.locator('#add-cache').click();
  await autosaved(page, /kind = "cache"/);
  await page.goto(link);
  await nameIs(page, /retry storm/);
  await ready(page);
  const kept = page.locator('[data-testid="kept"]');
  await kept.waitFor({ timeout: 10000 });
  assert.match(await kept.textContent(), /Your edits are kept in File ▸ Saved as “A synchronous chain: .* \(edited\)”/);
  await screenshot(page, 'library-link-pasted-1280');

  // A lesson named in the address, then another picked: a reload opens
  // the pick, not the lesson the address named.
  await page.goto(`${site.url}?scenario=fanout-tail.toml`);
  await nameIs(page, /Fan-out/);
  await ready(page);
  await pick(page, 'station.toml', /two workers/);
  assert.ok(!page.url().includes('scenario='), page.url());
  await page.reload();
  await nameIs(page, /two workers/);
  await ready(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an edit after Share takes the link out of the address, so a reload opens the edited work', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await editedAndShared(page);

  // Edited after sharing: the address no longer names what is on screen.
  await page.locator('#add-cache').click();
  await autosaved(page, /kind = "cache"/);
  assert.ok(!page.url().includes('#'), page.url());
  await page.reload();
  await ready(page);
  await layoutWhere(page, (l) => l.items.some((i) => i.id.startsWith('cache')), 'the cache added after sharing');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid="kept"]').count(), 0, 'nothing kept away: the work itself opened');
  assert.deepEqual(errors, []);
  await page.close();
});
