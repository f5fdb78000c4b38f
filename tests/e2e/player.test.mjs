// The embedded player's headline and load slider: a latency headline is
// the main page's "p50 / p99 · 10 win." figure (the same windows, the same
// function), not one window's, which jumps between windows; and on a
// phone the load slider takes the row's width, as the top bar's does; a
// run stopped at the bound on work says so in a reader's words, with Replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, gotoFresh, nameIs, ready, openMenu, msOf } from './harness.mjs';

const site = useSite();

const headline = (page) => page.locator('[data-testid="headline"]').textContent();

/** Plays the app at `speed` until `windows` windows have closed, then
 * pauses. */
async function playTo(page, speed, windows) {
  await page.locator('button.speed', { hasText: speed }).click();
  await page.locator('#play').click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="windows"]').textContent) >= n,
    windows,
    { timeout: 60000 },
  );
  await page.locator('#play').click();
}

async function shareLink(page) {
  await openMenu(page, '#menu-share');
  await page.locator('#share').click();
  await page.waitForFunction(() => document.querySelector('#share-url')?.value.includes('#v2.'), null, { timeout: 20000 });
  const url = await page.locator('#share-url').inputValue();
  await page.keyboard.press('Escape');
  return url;
}

test("the player's p50 is the main page's 10-window figure, steady where one window's jumps", async () => {
  const app = await site.context.newPage();
  const errors = collectErrors(app);
  await app.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(app, `${site.url}?scenario=fanout-tail.toml`);
  await nameIs(app, /Fan-out/);
  await ready(app);

  // One window's p50 jumps (a window with a slow shard answer, then none);
  // the strip's 10-window figure is what the player shows.
  const perWindow = new Set();
  const recent = new Set();
  for (let i = 0; i < 6; i++) {
    await playTo(app, '10×', 12 + i * 3);
    perWindow.add(await app.locator('[data-testid="p50"]').textContent());
    recent.add(await app.locator('[data-testid="p50-rolling"]').textContent());
  }
  const link = await shareLink(app);
  const strip = {
    p50: await app.locator('[data-testid="p50-rolling"]').textContent(),
    p99: await app.locator('[data-testid="p99-rolling"]').textContent(),
  };
  console.log(`fanout-tail: one window's p50 ${[...perWindow].join(', ')}; 10 windows' ${[...recent].join(', ')}`);
  assert.ok(recent.size <= perWindow.size, 'the 10-window figure moves no more than one window\'s');

  // The same run in the player, paused at the same instant: the same figure.
  for (const [figure, want] of [['p50', strip.p50], ['p99', strip.p99]]) {
    const player = await site.context.newPage();
    const playerErrors = collectErrors(player);
    await player.setViewportSize({ width: 1280, height: 720 });
    await player.goto(`${site.url}?embed=1&figure=${figure}#${link.split('#')[1]}`);
    await nameIs(player, /Fan-out/);
    await player.locator('#play:not([disabled])').waitFor({ timeout: 30000 });
    await player.waitForFunction((w) => document.querySelector('[data-testid="headline"]')?.textContent === w, want, { timeout: 20000 })
      .catch(() => {});
    assert.equal(await headline(player), want, `the player's ${figure} is the strip's`);
    assert.equal(await player.locator('.player-figure-label').textContent(), `user ${figure} · 10 win.`);
    if (figure === 'p50') await screenshot(player, 'player-headline-1280');
    assert.deepEqual(playerErrors, []);
    await player.close();
  }
  assert.deepEqual(errors, []);
  await app.close();
});

/** The fan-out lesson's player on a 390 px phone, playing. */
async function playingOnPhone(player) {
  await player.setViewportSize({ width: 390, height: 844 });
  await player.goto(`${site.url}?embed=1&scenario=fanout-tail.toml`);
  await nameIs(player, /Fan-out/);
  await player.locator('#play:not([disabled])').click();
}

test("on a 390 px phone the player's load slider takes its row, and a drag moves the load", async () => {
  const player = await site.context.newPage();
  const errors = collectErrors(player);
  await playingOnPhone(player);
  await player.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent !== '–', null, { timeout: 30000 });
  assert.ok(msOf(await headline(player)) > 0);

  const slider = player.locator('#load-multiplier');
  const box = await slider.boundingBox();
  assert.ok(box.width >= 200, `the slider is ${box.width} px wide`);
  assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  const page = await player.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(page <= 390, `no sideways scrolling (${page} px)`);
  await screenshot(player, 'player-390');

  // A thumb dragged a quarter of the way right: the load goes up a decade or so.
  const before = await player.locator('[data-testid="load-multiplier"]').getAttribute('data-in-force');
  const y = box.y + box.height / 2;
  const thumbX = box.x + box.width * (await slider.evaluate((s) => (s.value - s.min) / (s.max - s.min)));
  await player.mouse.move(thumbX, y);
  await player.mouse.down();
  for (let k = 1; k <= 8; k++) await player.mouse.move(thumbX + (box.width / 4) * (k / 8), y);
  await player.mouse.up();
  await player.waitForFunction((b) => document.querySelector('[data-testid="load-multiplier"]').dataset.inForce !== b, before, { timeout: 10000 });
  const after = await player.locator('[data-testid="load-multiplier"]').getAttribute('data-in-force');
  console.log(`390 px: slider ${box.width.toFixed(0)} px, load ${before} → ${after}`);
  assert.ok(parseFloat(after) > parseFloat(before), `${before} → ${after}`);
  assert.deepEqual(errors, []);
  await player.close();
});

test('a player run pushed past what a tab holds says what piled up in words, and Replay starts it again at the embed\'s load', async () => {
  const player = await site.context.newPage();
  const errors = collectErrors(player);
  await playingOnPhone(player);
  // A thumb flung to the right end: far past what the shards can serve.
  const slider = player.locator('#load-multiplier');
  const box = await slider.boundingBox();
  await player.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
  const stopped = player.locator('[data-testid="player-stopped"]');
  await stopped.waitFor({ timeout: 60000 });
  const words = await stopped.textContent();
  assert.match(words, /^The run stopped: shard( and search)? piled up more work than a browser tab can hold\. Replay starts it again/);
  assert.ok(!words.includes('`'), `no TOML for a reader: ${words}`);
  const shown = await stopped.boundingBox();
  assert.ok(shown.x >= 0 && shown.x + shown.width <= 390, JSON.stringify(shown));
  await screenshot(player, 'player-stopped-390');

  await player.locator('#stopped-replay').click();
  await player.waitForFunction(() => !document.querySelector('[data-testid="player-stopped"]'), null, { timeout: 20000 });
  await player.waitForFunction(() => document.querySelector('#play')?.textContent === 'Pause', null, { timeout: 20000 });
  assert.equal(await player.locator('[data-testid="load-multiplier"]').getAttribute('data-in-force'), '1×');
  assert.deepEqual(errors, []);
  await player.close();
});
