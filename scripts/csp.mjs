// Trunk post-build step (scripts/post-build.mjs runs it after boot.mjs):
// gives the built page a Content-Security-Policy.
// Trunk writes the module script that starts the app inline, and its file
// names change with every build, so the policy is written here, after the
// build, allowing exactly that inline script by its SHA-256 and nothing
// else inline. Scenario text never reaches the DOM as HTML (Yew renders
// text nodes), and share links carry data only; this policy makes sure
// that even a mistake there could not run a script.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp.mjs runs as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`,
);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  // Style attributes are set by script (plotters sizes its canvases); styles
  // cannot run code, so inline ones are allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  // blob: only for an embed in a sandboxed frame (opaque origin), whose
  // worker is a blob of its own importing ./worker.js (worker/client.rs).
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
if (!html.includes('Content-Security-Policy')) {
  console.error('csp.mjs: could not place the policy in index.html');
  process.exit(1);
}
writeFileSync(file, html);
