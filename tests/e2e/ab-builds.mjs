// Side-by-side speed of several builds of the app in Chromium, for build
// questions (wasm-opt levels, target features): each build's benchmark page
// (`?bench=1`, best of seven inside the worker) opened in turn, the order
// reversed every other round, and the medians printed (BENCHMARKS.md,
// "How the Wasm is built"). Not a test: run it by hand.
//   node tests/e2e/ab-builds.mjs ROUNDS CUSTOMERS label=dist-dir label=dist-dir …
// JS_FLAGS=--no-liftoff passes V8 flags (TurboFan from the first call, so
// background tier-up on a busy machine does not decide the figures);
// BOOST=-10 renices every thread of the browser this starts (root only), so
// other work on a shared machine takes less from it.
import { execSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './harness.mjs';

const WORKLOADS = ['bare_heap_loop_mm1', 'bare_zig_loop_mm1', 'engine_mm1', 'engine_tandem3', 'engine_topology5'];
const [rounds = '3', customers = '300000', ...pairs] = process.argv.slice(2);
const builds = pairs.map((p) => {
  const [label, dir] = p.split('=');
  return { label, dir };
});

async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'scalesim-ab-'));
  const flags = process.env.JS_FLAGS ? [`--js-flags=${process.env.JS_FLAGS}`] : [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...flags],
  });
  return { context, close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); } };
}

/** Every thread of this process's descendants at nice BOOST. */
function boost() {
  if (!process.env.BOOST) return;
  const kids = (pid) => execSync(`ps -o pid= --ppid ${pid} || true`, { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  const todo = [String(process.pid)];
  while (todo.length) {
    for (const kid of kids(todo.pop())) {
      todo.push(kid);
      execSync(`for t in /proc/${kid}/task/*; do renice -n ${Number(process.env.BOOST)} -p "\${t##*/}"; done >/dev/null 2>&1; true`, { shell: '/bin/bash' });
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

for (const b of builds) b.server = await serveDist(b.dir);
const browser = await launch();
const figures = Object.fromEntries(builds.map((b) => [b.label, Object.fromEntries(WORKLOADS.map((w) => [w, []]))]));
for (let r = 0; r < Number(rounds); r++) {
  for (const b of r % 2 ? [...builds].reverse() : builds) {
    const page = await browser.context.newPage();
    await page.goto(`${b.server.url}?bench=1&customers=${customers}`);
    await page.waitForFunction(() => document.querySelector('#bench-run')?.disabled === false, null, { timeout: 60000 });
    boost();
    await page.locator('#bench-run').click();
    await page.waitForTimeout(300);
    boost();
    // The engine workloads come last; the long memory run after them is
    // not waited for.
    await page.locator('[data-testid="bench-engine_topology5"]').waitFor({ timeout: 600000 });
    const row = [];
    for (const w of WORKLOADS) {
      const v = parseFloat(await page.locator(`[data-testid="bench-${w}"]`).textContent());
      figures[b.label][w].push(v);
      row.push(`${w}=${(v / 1e6).toFixed(3)}`);
    }
    console.log(`round ${r} ${b.label}: ${row.join(' ')}`);
    await page.close();
  }
}
for (const b of builds) {
  console.log(`median ${b.label}: ${WORKLOADS.map((w) => `${w}=${(median(figures[b.label][w]) / 1e6).toFixed(3)}`).join(' ')}`);
}
console.log(JSON.stringify(figures));
await browser.close();
for (const b of builds) await b.server.close();
