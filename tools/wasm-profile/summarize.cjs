// Self and inclusive time by function in a V8 .cpuprofile (from
// `node --cpu-prof`): `node summarize.cjs FILE [TOP]`.
const fs = require('node:fs');
const [file, top = '30'] = process.argv.slice(2);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) => n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'anonymous'})`;
const self = new Map();
const total = new Map();
let samples = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  let n = byId.get(prof.samples[i]);
  if (!n || ['(idle)', '(program)', '(garbage collector)'].includes(n.callFrame.functionName)) continue;
  samples += dt;
  self.set(name(n), (self.get(name(n)) ?? 0) + dt);
  const seen = new Set();
  for (let id = n.id; id != null; id = parent.get(id)) {
    const f = name(byId.get(id));
    if (!seen.has(f)) total.set(f, (total.get(f) ?? 0) + dt);
    seen.add(f);
  }
}
const pct = (t) => `${((100 * t) / samples).toFixed(1).padStart(5)}%`;
console.log(`${(samples / 1e3).toFixed(0)} ms of samples`);
console.log('self time:');
for (const [f, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${pct(t)}  ${f}`);
console.log('inclusive time:');
for (const [f, t] of [...total].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${pct(t)}  ${f}`);
