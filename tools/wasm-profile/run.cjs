// Runs one workload of the engine in Wasm under Node and prints its rate:
// `node run.cjs PKG_DIR WORKLOAD CUSTOMERS REPEATS`. Under `node --cpu-prof`
// V8 writes the profile that summarize.cjs reads (scripts/wasm-profile.sh).
const [pkg, workload = 'engine_topology5', customers = '1000000', repeats = '3'] = process.argv.slice(2);
const { run } = require(require('node:path').resolve(pkg, 'wasm_profile.js'));
const { performance } = require('node:perf_hooks');
run(workload, 10000); // warm-up: compile the hot code
let best = 0;
for (let i = 0; i < Number(repeats); i++) {
  const t0 = performance.now();
  const served = run(workload, Number(customers));
  const s = (performance.now() - t0) / 1e3;
  best = Math.max(best, served / s);
  console.log(`${workload}: ${served} customers in ${s.toFixed(3)} s: ${(served / s / 1e6).toFixed(3)} M/s`);
}
console.log(`best: ${(best / 1e6).toFixed(3)} M/s`);
