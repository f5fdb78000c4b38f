// Trunk post-build step (scripts/post-build.mjs runs it before csp.mjs):
// orders the first load's requests as they are needed. index.html's
// early-worker script, at the top of <head>, gets the JS glue's URL (Trunk
// names it by a hash) in its `data-glue`, so it starts the simulation
// worker and has it fetch the glue before anything else is requested; the
// preloads Trunk writes at the end of <head> (the glue's `modulepreload`,
// the Wasm's `preload`) move up to just after the stylesheet. Where Trunk
// puts them, the parser reaches them only after the inline scripts above
// them, and a classic inline script waits for the stylesheet to arrive:
// the Wasm, most of the first load, was requested a round trip and more
// after the stylesheet, with the link idle meanwhile, and the worker's
// requests went out during the Wasm's download and waited for it
// (BENCHMARKS.md, "The first second").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('preload.mjs runs as a Trunk post_build step (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const glue = html.match(/<link rel="modulepreload" href="([^"]+)"[^>]*>/);
const wasm = html.match(/<link rel="preload"[^>]*as="fetch"[^>]*>/);
const worker = '<script id="early-worker" data-glue="">';
const stylesheet = html.match(/<link rel="stylesheet"[^>]*>/);
if (!glue || !wasm || !html.includes(worker) || !stylesheet) {
  console.error('preload.mjs: index.html lacks the glue or Wasm preload, the early-worker script or the stylesheet');
  process.exit(1);
}
html = html.replace(glue[0], '').replace(wasm[0], '');
html = html.replace(worker, `<script id="early-worker" data-glue="${glue[1]}">`);
html = html.replace(stylesheet[0], `${stylesheet[0]}\n    ${glue[0]}\n    ${wasm[0]}`);
writeFileSync(file, html);
