// Trunk post-build step (scripts/post-build.mjs runs it last): writes a
// Brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside every
// text and Wasm file of a release build, for static hosts that serve
// pre-compressed files (and for the end-to-end tests' server, which does).
// Node's own zlib: nothing downloaded. A copy that would not be smaller is
// not written. Debug builds (`trunk serve`) are left alone unless
// SCALESIM_COMPRESS=1; `node scripts/compress.mjs DIR` compresses DIR.
import { readdirSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { join, extname } from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.svg', '.json', '.toml', '.txt', '.md']);

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('usage: node scripts/compress.mjs DIR (or as a Trunk post_build step)');
  process.exit(1);
}
if (!process.argv[2] && process.env.TRUNK_PROFILE !== 'release' && process.env.SCALESIM_COMPRESS !== '1') {
  process.exit(0);
}

function* files(d) {
  for (const entry of readdirSync(d, { withFileTypes: true })) {
    const path = join(d, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

let raw = 0;
let br = 0;
let gz = 0;
for (const path of files(dir)) {
  const body = readFileSync(path);
  const text = extname(path) !== '.wasm';
  const brotli = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_MODE]: text ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gzip = zlib.gzipSync(body, { level: 9 });
  for (const [ext, copy] of [['.br', brotli], ['.gz', gzip]]) {
    if (copy.length < body.length) writeFileSync(path + ext, copy);
    else rmSync(path + ext, { force: true });
  }
  raw += statSync(path).size;
  br += Math.min(brotli.length, body.length);
  gz += Math.min(gzip.length, body.length);
}
const kb = (n) => `${Math.round(n / 1024)} kB`;
console.log(`compress.mjs: ${kb(raw)} of files, ${kb(br)} as Brotli, ${kb(gz)} as gzip`);
