// Issue 18's hostile inputs in the browser: each refused with a message
// that says which limit and what to write instead, or stopped with the
// overload explanation; the user's scenario is kept, the worker lives, and
// its memory stays bounded. Prints one line a case for the table in
// BENCHMARKS.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useSite, gotoFresh, ready, nameIs, readStat, collectErrors } from './harness.mjs';

const site = useSite();
const CORPUS = join(import.meta.dirname, '..', '..', 'crates', 'engine', 'tests', 'corpus');

const memoryMb = (page) => {
  const worker = page.workers().find((w) => w.url().includes('worker.js'));
  return worker.evaluate(() => self.scalesimMemory.buffer.byteLength / 2 ** 20);
};

async function importFile(page, name) {
  const buffer = await readFile(join(CORPUS, name));
  await page.locator('#import').setInputFiles({ name, mimeType: 'text/plain', buffer });
}

const REFUSED = [
  ['long-id-mistyped-target.toml', /64/],
  ['async-cycle-with-fanout.toml', /cycle/],
  ['replicas-past-the-total.toml', /100[ ,]?000/],
];

for (const [file, expected] of REFUSED) {
  test(`${file} is refused in words, and the running scenario is kept`, async () => {
    const page = await site.context.newPage();
    const errors = collectErrors(page);
    await gotoFresh(page, site.url);
    await ready(page);
    await nameIs(page, /two workers/);
    const started = Date.now();
    await importFile(page, file);
    const error = page.locator('.notices .error');
    await error.waitFor({ timeout: 20000 });
    const ms = Date.now() - started;
    const text = await error.textContent();
    assert.match(text, expected);
    assert.ok(text.length < 4000, `a message a person reads, not a dump (${text.length} characters)`);
    await nameIs(page, /two workers/);
    assert.equal(await page.locator('#play').isDisabled(), false, 'the worker lives');
    console.log(`# hostile in the browser: ${file}: refused after ${ms} ms, worker memory ${(await memoryMb(page)).toFixed(0)} MB`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a file over the size limit, opened from the File menu, is refused in MB where it can be read', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);
  await page.click('#menu-file');
  const chooser = page.waitForEvent('filechooser');
  await page.click('#import');
  const buffer = Buffer.from(`# ${'x'.repeat(13_508_770)}\n`);
  await (await chooser).setFiles({ name: 'huge.toml', mimeType: 'text/plain', buffer });
  const error = page.locator('.error', { hasText: 'huge.toml' });
  await error.waitFor({ timeout: 20000 });
  assert.match(await error.textContent(), /the file is 13\.5 MB; at most 4\.19 MB/);
  // The menu has closed, so it no longer covers the message, which is in
  // view.
  assert.equal(await page.$eval('#menu-file', (s) => s.parentElement.open), false);
  assert.ok(await error.isVisible());
  const box = await error.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 720, `the message in view: ${JSON.stringify(box)}`);
  await nameIs(page, /two workers/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a million requests a second into one worker stops with the overload explanation', async () => {
  const page = await site.context.newPage();
  await gotoFresh(page, site.url);
  await ready(page);
  await importFile(page, 'million-a-second-one-worker.toml');
  await ready(page);
  await page.locator('button.speed', { hasText: 'max' }).click();
  const started = Date.now();
  await page.click('#play');
  const overload = page.locator('[data-testid="overload"]');
  await overload.waitFor({ timeout: 60000 });
  const ms = Date.now() - started;
  assert.match(await overload.textContent(), /of simulated time [\d.]+M units of work were in flight/);
  const mb = await memoryMb(page);
  console.log(`# hostile in the browser: million-a-second-one-worker.toml: stopped after ${ms} ms, worker memory ${mb.toFixed(0)} MB`);
  // The overload test's bound, and why it is 300: tests/e2e/overload.test.mjs.
  assert.ok(mb < 300, `${mb} MB`);
  await page.close();
});

test('a sweep past the step limit is refused in words; one at the limit starts at once', async () => {
  const page = await site.context.newPage();
  await gotoFresh(page, site.url);
  await ready(page);
  await page.click('#tab-scaling');
  await page.fill('#sweep-param', 'load.users.rate=1..100000:100000');
  await page.click('#sweep-run');
  const error = page.locator('.notices .error');
  await error.waitFor({ timeout: 10000 });
  assert.match(await error.textContent(), /10[ ,]?000/);
  await page.fill('#sweep-param', 'load.users.rate=1..10000:10000');
  await page.fill('#sweep-runs', '1');
  await page.fill('#sweep-seconds', '1');
  const started = Date.now();
  await page.click('#sweep-run');
  await page.waitForFunction(() => /^[1-9]\d* \/ 10000 runs$/.test(document.querySelector('[data-testid="sweep-progress"]')?.textContent ?? ''), null, { timeout: 20000 });
  const ms = Date.now() - started;
  console.log(`# hostile in the browser: a sweep of 10 000 steps: first run done after ${ms} ms`);
  await page.click('#sweep-cancel');
  await page.close();
});
