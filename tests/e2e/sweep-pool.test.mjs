// Sweeps on every core (issue 26): the worker runs a sweep's runs on a pool
// of workers (src/worker/sweep_pool.rs). Its points equal `scalesim
// sweep`'s for the same file, bit for bit, whatever the pool's size; and
// the speed-up of a pool over one worker on the same sweep, measured in
// alternating pairs (the machine is shared), goes to
// tests/artifacts/sweep-pool.json and BENCHMARKS.md. `?sweep_workers=N`
// forces the pool's size (by default every core but the page's: one on a
// two-core machine, so the measurement forces two).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { useSite, collectErrors, ready, DIST, ARTIFACTS } from './harness.mjs';

const ROOT = resolve(DIST, '..');
const site = useSite();

/** Runs a sweep in the page (pool of `workers`, or the default); returns
 * its points and the wall time from the click to the finished curve. */
async function sweepInPage(workers, param, runs, seconds) {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${site.url}${workers ? `?sweep_workers=${workers}` : ''}`);
  await ready(page);
  await page.click('#tab-scaling');
  await page.fill('#sweep-param', param);
  await page.fill('#sweep-runs', String(runs));
  await page.fill('#sweep-seconds', String(seconds));
  const started = await page.evaluate(() => performance.now());
  await page.locator('#sweep-run').click();
  await page.locator('[data-testid="knee"]').waitFor({ timeout: 300000 });
  const ms = (await page.evaluate(() => performance.now())) - started;
  const points = JSON.parse(await page.locator('[data-testid="knee"]').getAttribute('data-points'));
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.deepEqual(errors, []);
  await page.close();
  return { points, ms, cores };
}

/** The figures both compute (the page does not judge `[[expect]]`s along
 * the curve, the CLI's `slo_met`). */
const FIELDS = ['value', 'offered_rps', 'goodput_rps', 'p99_ms', 'error_share', 'unanswered_share', 'cost_per_million', 'knee'];
const figures = (points) => points.map((p) => Object.fromEntries(FIELDS.map((f) => [f, p[f] ?? null])));

test('the page sweeps on a pool of workers and every point equals scalesim sweep\'s, bit for bit', { timeout: 900000 }, async () => {
  const param = 'load.users.rate=500..2500:5';
  // The CLI as `cargo test` built it (the dev profile, the engine at full
  // speed): its points are the release build's, bit for bit (the engine's
  // arithmetic does not depend on the profile), and the release build with
  // LTO would cost the test a minute of compiling.
  const cli = JSON.parse(execFileSync('cargo', [
    'run', '--quiet', '-p', 'scalesim-cli', '--', 'sweep', 'scenarios/station.toml',
    '--param', param, '--runs', '3', '--duration', '10s', '--json',
  ], { cwd: ROOT, encoding: 'utf8', timeout: 900000 }));
  for (const workers of [1, 3, null]) {
    const { points } = await sweepInPage(workers, param, 3, 10);
    assert.deepStrictEqual(figures(points), figures(cli.points), `pool of ${workers ?? 'the default size'}`);
  }
});

test('the speed-up of a pool of two over one worker on the same sweep (alternating pairs)', { timeout: 900000 }, async () => {
  // 8 steps × 3 runs of 600 simulated seconds at 500–2 000 requests/s.
  const args = ['load.users.rate=500..2000:8', 3, 600];
  const pairs = Number(process.env.SWEEP_PAIRS ?? 3);
  const one = [];
  const two = [];
  let cores = 0;
  for (let i = 0; i < pairs; i++) {
    one.push((await sweepInPage(1, ...args)).ms);
    const r = await sweepInPage(2, ...args);
    two.push(r.ms);
    cores = r.cores;
  }
  const ratios = one.map((ms, i) => ms / two[i]).sort((a, b) => a - b);
  const report = {
    sweep: args, hardware_concurrency: cores, one_worker_ms: one.map(Math.round), two_workers_ms: two.map(Math.round),
    speedup_median: ratios[Math.floor(ratios.length / 2)], speedup_pairs: ratios,
  };
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, 'sweep-pool.json'), JSON.stringify(report, null, 2));
  console.log(`# sweep pool: ${JSON.stringify(report)}`);
  // A benchmark, not a timed test: the figure is read in BENCHMARKS.md.
  assert.ok(report.speedup_median > 0);
});
