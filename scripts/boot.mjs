// Trunk post-build step (scripts/post-build.mjs runs it before csp.mjs):
// fills index.html's start-up skeleton (`<main id="boot">`, the app's frame
// drawn before the Wasm arrives) with the demo's name and explanation, read
// from the scenario file the page opens with (DEMO_FILE in
// src/page/app.rs), so what the first second shows is what the app shows
// once it runs. tests/e2e/first-second.test.mjs checks the two agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DEMO_FILE = 'station.toml';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('boot.mjs runs as a Trunk post_build step (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}

/** A top-level string key of the file's `[scenario]` table: basic strings
 * ("…", with escapes) and multi-line basic strings ("""…""", a backslash at
 * a line's end joining lines), which is how the library's files write them. */
function scenarioString(toml, key) {
  const table = toml.split(/^\[scenario\]\s*$/m)[1]?.split(/^\[/m)[0] ?? '';
  const multi = table.match(new RegExp(`^${key}\\s*=\\s*"""\\n?([\\s\\S]*?)"""`, 'm'));
  if (multi) return unescape(multi[1].replace(/\\\n\s*/g, ''));
  const single = table.match(new RegExp(`^${key}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm'));
  return single ? unescape(single[1]) : null;
}

function unescape(s) {
  return s.replace(/\\(["\\nt])/g, (_, c) => ({ n: '\n', t: '\t' })[c] ?? c);
}

function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

const toml = readFileSync(join(dir, 'scenarios', DEMO_FILE), 'utf8');
const name = scenarioString(toml, 'name');
if (!name) {
  console.error(`boot.mjs: no [scenario] name in scenarios/${DEMO_FILE}`);
  process.exit(1);
}
/** The description as the Lesson tab shows it (src/lesson_text.rs, the
 * same rule): whitespace collapsed; past WHOLE_MAX characters, its lead
 * (whole sentences within LEAD_MAX, or the first sentence if it alone is
 * within WHOLE_MAX, or else cut at a word) with the rest hidden behind
 * "more". */
function description(text) {
  const WHOLE_MAX = 180;
  const LEAD_MAX = 120;
  const flat = text.split(/\s+/).filter(Boolean).join(' ');
  const chars = (s) => [...s].length;
  const p = (head, tail, cut) => `<p class="description" data-testid="lesson-description">${escapeHtml(head)}`
    + (tail ? `${cut ? '…' : ''}<span id="lesson-more" hidden>${escapeHtml(tail)}</span> `
      + '<button class="link more" aria-expanded="false" aria-controls="lesson-more">more</button>' : '')
    + '</p>';
  if (chars(flat) <= WHOLE_MAX) return p(flat, '', false);
  const ends = [...flat.matchAll(/[.?!](?= [A-Z0-9"“(`])/g)]
    .map((m) => m.index + 1)
    .filter((e) => !/(e\.g|i\.e)\.$/.test(flat.slice(0, e)));
  const fitting = ends.filter((e) => chars(flat.slice(0, e)) <= LEAD_MAX).pop();
  const first = ends[0];
  if (fitting ?? (first != null && chars(flat.slice(0, first)) <= WHOLE_MAX)) {
    const at = fitting ?? first;
    return p(flat.slice(0, at), flat.slice(at), false);
  }
  const limit = [...flat].slice(0, LEAD_MAX).join('');
  const head = limit.slice(0, limit.lastIndexOf(' ')).replace(/[,;:]+$/, '');
  return p(head, flat.slice(head.length), true);
}

const parts = [
  ['description', description],
  ['watch', (t) => `<p><strong>Watch: </strong>${escapeHtml(t)}</p>`],
  ['try', (t) => `<p><strong>Try: </strong>${escapeHtml(t)}</p>`],
];
const lesson = parts
  .map(([key, html]) => scenarioString(toml, key))
  .map((text, i) => (text ? parts[i][1](text) : ''))
  .join('\n          ');

const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const before = html;
html = html.replaceAll('<!--boot:name-->', escapeHtml(name));
html = html.replace('<!--boot:lesson-->', lesson);
if (html === before || html.includes('<!--boot:')) {
  console.error('boot.mjs: index.html has no (or an unfilled) start-up skeleton placeholder');
  process.exit(1);
}
writeFileSync(file, html);
