// The scaling curve swept in the worker (progress bar, cancel, knee), and
// the main thread staying free while the simulation plays at full speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, pixelsAppear, ready as loaded } from './harness.mjs';

const site = useSite();

async function ready(page) {
  await page.goto(site.url);
  await loaded(page);
}

/** Types a sweep into the Scaling tab's form: the parameter and its range,
 * runs a point, seconds a run. */
async function fillSweep(page, param, runs, seconds) {
  await page.fill('#sweep-param', param);
  await page.fill('#sweep-runs', String(runs));
  await page.fill('#sweep-seconds', String(seconds));
}

test('a load sweep runs to completion through its progress bar and marks the knee', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await ready(page);
  await page.click('#tab-scaling');
  // The suggestion crosses the demo station's knee (two workers at 1 ms:
  // about 2 000/s) and passes its own 1 500/s (engine `saturation`).
  assert.equal(await page.inputValue('#sweep-param'), 'load.users.rate=380..3040:8', 'the suggestion');
  await page.click('#tab-scaling');
  await fillSweep(page, 'load.users.rate=500..2500:5', 1, 10);
  await page.locator('#sweep-run').click();
  await page.locator('#sweep-progress').waitFor({ timeout: 10000 });
  await page.locator('[data-testid="knee"]').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#sweep-progress').count(), 0, 'the progress bar is gone');
  // Two 1 ms workers saturate at 2 000 requests/s.
  assert.match(await page.locator('[data-testid="knee"]').textContent(), /Knee at load\.users\.rate = (2000|2500)/);
  // Past the knee requests wait in the queue; the p99 curve, over answered
  // requests only, does not show them, so a note says so.
  assert.match(await page.locator('[data-testid="sweep-waiting"]').textContent(),
    /^(From|At) load\.users\.rate = (2000|2500), (up to )?\d+% of the requests were still waiting/);
  // The goodput line's green (palette colour 3, rgb(22, 163, 74)); it
  // shows where it leaves the offered line (the chart is half the panel).
  const inked = await pixelsAppear(page, '#sweep-goodput-chart', [22, 163, 74], 40);
  assert.ok(inked > 40, `goodput line drawn: ${inked}`);
  await page.locator('#sweep-latency-chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'sweep');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep pauses the playing run and, once done, the run plays on from where it stood', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await ready(page);
  await page.getByRole('button', { name: '10×' }).click();
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]').textContent) >= 3);
  await page.click('#tab-scaling');
  await fillSweep(page, 'load.users.rate=500..2500:5', 1, 10);
  await page.locator('#sweep-run').click();
  await page.locator('#sweep-progress').waitFor({ timeout: 10000 });
  assert.match(await page.locator('[data-testid="sweep-waits"]').textContent(), /live run waits meanwhile/);
  await page.locator('[data-testid="knee"]').waitFor({ timeout: 60000 });
  const at = Number(await page.locator('[data-testid="windows"]').textContent());
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="windows"]').textContent) > n + 2, at, { timeout: 20000 });
  assert.equal((await page.locator('#play').textContent()).trim(), 'Pause', 'it plays on');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 1280×720 the finished curve shows whole without scrolling the panel, its caption under it', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await ready(page);
  await page.click('#tab-scaling');
  await fillSweep(page, 'load.users.rate=500..2500:5', 1, 5);
  assert.ok(await page.locator('[data-testid="sweep-words"]').isVisible(), 'the form said in words');
  await page.locator('#sweep-run').click();
  await page.locator('[data-testid="knee"]').waitFor({ timeout: 60000 });
  // The words repeat the caption now: they give their room to the curve.
  assert.ok(!(await page.locator('[data-testid="sweep-words"]').isVisible()));
  for (const id of ['#sweep-latency-chart', '#sweep-goodput-chart']) {
    const [top, bottom, panelTop, panelBottom] = await page.$eval(id, (el) => {
      const r = el.getBoundingClientRect();
      const p = el.closest('.dash-body').getBoundingClientRect();
      return [r.top, r.bottom, p.top, p.bottom];
    });
    assert.ok(top >= panelTop && bottom <= panelBottom && bottom <= 720, `${id} at ${top}..${bottom} in ${panelTop}..${panelBottom}`);
    assert.ok(bottom - top >= 60, `${id} is ${bottom - top} px tall`);
  }
  assert.equal(await page.evaluate(() => scrollY), 0);
  await screenshot(page, 'newcomer-sweep-1280');
  // Typing another sweep brings the words back.
  await page.fill('#sweep-runs', '2');
  assert.ok(await page.locator('[data-testid="sweep-words"]').isVisible());
  assert.deepEqual(errors, []);
  await page.close();
});

test('while comparing, the scaling curve is the edited variant\'s', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await ready(page);
  await page.locator('#compare').click();
  await page.waitForFunction(() => document.querySelector('#edit-b')?.getAttribute('aria-pressed') === 'true');
  // B gets four workers: twice the capacity, so its knee moves right.
  await page.locator('[role=tab]', { hasText: 'Inspector' }).click();
  await page.fill('#change', 'api.workers = 4');
  await page.locator('#apply').click();
  await page.click('#tab-scaling');
  await fillSweep(page, 'load.users.rate=500..4500:5', 1, 5);
  await page.locator('#sweep-run').click();
  await page.locator('[data-testid="knee"]').waitFor({ timeout: 60000 });
  const knee = await page.locator('[data-testid="knee"]').textContent();
  assert.doesNotMatch(knee, /= (500|1500|2500)\b/, `B's four workers keep up past 2 500/s: ${knee}`);
  // A was never swept: its panel has no curve.
  await page.locator('#edit-a').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="knee"]'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep can be cancelled, and the page is usable again', async () => {
  const page = await site.context.newPage();
  await ready(page);
  await page.click('#tab-scaling');
  await fillSweep(page, 'load.users.rate=500..2500:9', 5, 120);
  await page.locator('#sweep-run').click();
  await page.locator('#sweep-progress').waitFor({ timeout: 10000 });
  await page.locator('#sweep-cancel').click();
  await page.waitForFunction(() => !document.querySelector('#sweep-progress'), null, { timeout: 10000 });
  assert.equal(await page.locator('#sweep-run').isDisabled(), false);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#sweep-progress').count(), 0, 'no late progress after the cancel');
  await page.close();
});

test('no main-thread task over 150 ms, and at most three over 50 ms, while the simulation plays at full speed', async () => {
  const page = await site.context.newPage();
  await ready(page);
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    // What ran in each long frame, to tell the page's own work from time
    // the tab was not given a core.
    window.__longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration <= 50) continue;
        const scripts = e.scripts.map((s) => `${s.invoker} ${Math.round(s.duration)} ms`);
        window.__longFrames.push(`${Math.round(e.duration)} ms [${scripts.join(', ')}]`);
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
  });
  await page.locator('button.speed', { hasText: 'max' }).click();
  await page.locator('#play').click();
  // The demo's 120 s pass in a second or two at max speed, where the run
  // pauses: continue past its end, and measure while it plays on.
  await page.locator('#continue').click({ timeout: 10000 });
  await page.waitForTimeout(6000);
  assert.equal((await page.locator('#play').textContent()).trim(), 'Pause', 'still playing past the end');
  const windows = Number(await page.locator('[data-testid="windows"]').textContent());
  const longTasks = await page.evaluate(() => window.__longTasks);
  const longFrames = await page.evaluate(() => window.__longFrames);
  assert.ok(windows > 20, `the simulation ran: ${windows} windows`);
  // On this two-core machine, with the worker saturating one core, runs
  // show zero to three tasks of 52–71 ms in 6 s. Their long frames name no
  // script of the page over a few milliseconds: the tab was waiting for a
  // core (BENCHMARKS.md has the trace). This guards against worse: more
  // than three, or any over 150 ms; the message lists what ran.
  console.log(`# long tasks: ${JSON.stringify(longTasks)}; long frames: ${JSON.stringify(longFrames)}`);
  const over50 = longTasks.filter((d) => d > 50);
  assert.ok(
    over50.length <= 3 && over50.every((d) => d <= 150),
    `long tasks: ${JSON.stringify(longTasks)}; long frames and their scripts: ${JSON.stringify(longFrames)}`,
  );
  await page.close();
});
