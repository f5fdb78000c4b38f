// Shared set-up for the end-to-end tests: serve the built `dist/` from a
// sub-path on a free loopback port, and launch Debian's Chromium through
// playwright-core with a fresh profile.
import { createServer } from 'node:http';
import { before, after } from 'node:test';
import { readFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
// E2E_DIST serves another build (e.g. main's, for a side-by-side figure).
const DIST_DIR = process.env.E2E_DIST ?? DIST;
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
/** The app is served from here, not from `/`, to prove relative URLs work. */
export const SUB_PATH = '/some/project/scalesim/';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
};

/** Serves DIST (or another build's directory) under SUB_PATH on
 * 127.0.0.1 at a port the OS picks. */
export async function serveDist(DIST = DIST_DIR, { precompressed = true } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`no build in ${DIST}: run \`trunk build --release --public-url ./\` first`);
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html';
    const file = normalize(join(DIST, rel));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      // Any origin may read the files, as GitHub Pages serves them: a
      // player in a frame sandboxed without allow-same-origin has an opaque
      // origin, for which its own module scripts and Wasm are cross-origin.
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        vary: 'accept-encoding',
        'access-control-allow-origin': '*',
      };
      // As a static host with pre-compressed files does: the build's `.br`
      // or `.gz` copy (scripts/compress.mjs) when the client accepts it.
      const accepted = String(req.headers['accept-encoding'] ?? '');
      for (const [encoding, ext] of precompressed ? [['br', '.br'], ['gzip', '.gz']] : []) {
        if (!new RegExp(`\\b${encoding}\\b`).test(accepted)) continue;
        const copy = await readFile(file + ext).catch(() => null);
        if (copy) {
          server.encodings[encoding] = (server.encodings[encoding] ?? 0) + 1;
          res.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': copy.length });
          res.end(copy);
          return;
        }
      }
      server.encodings.identity = (server.encodings.identity ?? 0) + 1;
      res.writeHead(200, { ...headers, 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  /** Responses sent, by content encoding (what the measurement got). */
  server.encodings = {};
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${SUB_PATH}`,
    encodings: server.encodings,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A fresh Chromium with an empty profile; `close()` removes the profile. */
export async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), 'scalesim-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The built site served and a fresh Chromium, for the tests of one file:
 * `site.url` and `site.context` once the file's tests run; both are closed
 * after them. */
export function useSite() {
  const site = {};
  before(async () => {
    site.server = await serveDist();
    site.browser = await launchBrowser();
    site.url = site.server.url;
    site.context = site.browser.context;
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

/** Records console errors and uncaught page errors, for a no-errors check. */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return errors;
}

/** Saves a screenshot under tests/artifacts/ (ignored by git). */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until the scenario's title matches `pattern`. */
export function nameIs(page, pattern) {
  return page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('[data-testid="scenario-name"]')?.textContent ?? ''),
    pattern.source,
    { timeout: 20000 },
  );
}

/** Waits until the worker has loaded a scenario: Play is enabled (the
 * worker is up) and the scenario's title is shown (its load is done, so
 * nothing later resets what a test starts). */
export function ready(page) {
  return page.waitForFunction(
    () => document.querySelector('#play')?.disabled === false && document.querySelector('[data-testid="scenario-name"]'),
    null,
    { timeout: 20000 },
  );
}

/** Picks `file` from the library and waits until it has loaded, its
 * title matching `title`. */
export async function pick(page, file, title) {
  await page.selectOption('#library', file);
  await nameIs(page, title);
  await ready(page);
}

/** Opens the app with nothing kept from earlier tests (autosaved work in
 * local storage), so it starts on the demo. The origin's storage is
 * cleared before the app loads (through the DevTools protocol): clearing
 * it from a loaded app page left a race, as that page could save what it
 * had restored between the clear and a reload. */
export async function gotoFresh(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(url).origin, storageTypes: 'local_storage' });
  await cdp.detach();
  await page.goto(url);
}

/** Saves a screenshot of one element under tests/artifacts/. */
export async function screenshotOf(page, selector, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.locator(selector).screenshot({ path });
  return path;
}

/** A figure in the page's human units as a number: "2492", "467k",
 * "1.23M", "2.1G" (`format::quantity`). */
export function quantityOf(text) {
  const m = /^(-?[\d.]+)([kMG]?)$/.exec(text.trim());
  return m ? Number(m[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2]] : NaN;
}

/** A duration in the page's human units in milliseconds: "850 µs",
 * "6.85 ms", "1.24 s", "11.3 min", "2.5 h" (`format::duration_ms`). */
export function msOf(text) {
  const m = /^([\d.]+) (µs|ms|s|min|h)$/.exec(text.trim());
  return m ? Number(m[1]) * { 'µs': 1e-3, ms: 1, s: 1e3, min: 6e4, h: 3.6e6 }[m[2]] : NaN;
}

/** Reads a `data-testid` element's text. */
export async function readStat(page, id) {
  return (await page.locator(`[data-testid="${id}"]`).textContent()).trim();
}

/** Waits (up to `timeout` ms) until a canvas has more than `least` pixels
 * near `rgb`; returns the last count. Charts redraw on their own cadence,
 * so a test waits for a drawing rather than assuming one. */
export async function pixelsAppear(page, selector, rgb, least, timeout = 10000) {
  const until = Date.now() + timeout;
  let n = await pixelsNear(page, selector, rgb);
  while (n <= least && Date.now() < until) {
    await page.waitForTimeout(100);
    n = await pixelsNear(page, selector, rgb);
  }
  return n;
}

/** Counts a canvas's pixels within 40 of `rgb` in every channel. */
export async function pixelsNear(page, selector, [r, g, b]) {
  return page.$eval(selector, (canvas, [r, g, b]) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40 && Math.abs(data[i + 2] - b) < 40) n++;
    }
    return n;
  }, [r, g, b]);
}

/** Opens a top-bar menu (`#menu-share`, `#menu-file`, `#menu-run`) unless
 * it is open already: a click on its summary toggles it. */
export async function openMenu(page, summaryId) {
  const open = await page.$eval(summaryId, (s) => s.parentElement.open);
  if (!open) await page.click(summaryId);
}

/** Waits until the autosaved work (kept a moment after edits settle)
 * matches `pattern`. */
export async function kept(page, pattern) {
  await page.waitForFunction((source) => {
    const kept = localStorage.getItem('scalesim.autosave.v1');
    return kept !== null && new RegExp(source).test(JSON.parse(kept).toml);
  }, pattern.source, { timeout: 10000 });
}

/** A component's box on the canvas, in `topology_layout::NODE_W` ×
 * `NODE_H` world units. */
export const BOX = [132, 58];

/** The canvas's layout (`data-layout`): screen positions (CSS px within
 * the canvas), lanes, zoom, hidden sides. */
export async function layoutOf(page) {
  return JSON.parse(await page.$eval('#topology', (c) => c.getAttribute('data-layout')));
}

/** Waits until `check(layout)` holds; returns that layout. */
export async function layoutWhere(page, check, what) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const layout = await layoutOf(page).catch(() => null);
    if (layout && check(layout)) return layout;
    if (Date.now() > deadline) throw new Error(`the canvas never showed ${what}: ${JSON.stringify(layout)}`);
    await page.waitForTimeout(50);
  }
}

/** A real mouse drag on the canvas, from one canvas point to another
 * (CSS px within the canvas, as `layoutOf` gives them), in twelve moves;
 * the canvas is scrolled into view first. */
export async function drag(page, from, to) {
  const canvas = page.locator('#topology');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + from.x, box.y + from.y);
  await page.mouse.down();
  for (let k = 1; k <= 12; k++) {
    await page.mouse.move(box.x + from.x + ((to.x - from.x) * k) / 12, box.y + from.y + ((to.y - from.y) * k) / 12);
  }
  await page.mouse.up();
}
