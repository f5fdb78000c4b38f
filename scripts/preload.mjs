// Trunk post-build step (scripts/post-build.mjs runs it before csp.mjs):
// moves the preloads Trunk writes at the end of <head> (the JS glue's
// `modulepreload` and the Wasm's `preload`) up to just after the
// stylesheet, so the three are requested together. Where Trunk puts them,
// the parser reaches them only after the inline script above them, and a
// classic inline script waits for the stylesheet to arrive: the Wasm, most
// of the first load, was requested a round trip and more after the
// stylesheet, with the throttled link idle meanwhile (BENCHMARKS.md, "The
// first second"). Release and debug builds alike.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('preload.mjs runs as a Trunk post_build step (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const glue = html.match(/<link rel="modulepreload"[^>]*>/);
const wasm = html.match(/<link rel="preload"[^>]*as="fetch"[^>]*>/);
const stylesheet = html.match(/<link rel="stylesheet"[^>]*>/);
if (!glue || !wasm || !stylesheet) {
  console.error('preload.mjs: index.html lacks the glue or Wasm preload, or the stylesheet');
  process.exit(1);
}
html = html.replace(glue[0], '').replace(wasm[0], '');
html = html.replace(stylesheet[0], `${stylesheet[0]}\n    ${glue[0]}\n    ${wasm[0]}`);
writeFileSync(file, html);
