// Trunk post-build step (scripts/post-build.mjs runs it before csp.mjs):
// moves the preloads Trunk writes at the end of <head> (the JS glue's
// `modulepreload` and the Wasm's `preload`) up to just after the
// stylesheet. Where Trunk puts them, the parser reaches them only after the
// inline scripts above them, and a classic inline script waits for the
// stylesheet to arrive: the Wasm, most of the first load, was requested a
// round trip and more after the stylesheet and the glue, with the link idle
// meanwhile (BENCHMARKS.md, "The first second"). Here all three are
// requested together. Release and debug builds alike.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('preload.mjs runs as a Trunk post_build step (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const preloads = html.match(/<link rel="(?:modulepreload|preload)"[^>]*>/g) ?? [];
const stylesheet = html.match(/<link rel="stylesheet"[^>]*>/);
if (preloads.length === 0 || !stylesheet) {
  console.error('preload.mjs: no preload or no stylesheet link in index.html');
  process.exit(1);
}
for (const link of preloads) html = html.replace(link, '');
html = html.replace(stylesheet[0], `${stylesheet[0]}\n    ${preloads.join('\n    ')}`);
writeFileSync(file, html);
