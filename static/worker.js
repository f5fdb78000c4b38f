// The simulation worker's bootstrap. The page and the worker are one Wasm
// module: the page posts the URL of its JS glue and its compiled
// `WebAssembly.Module` as the first message, and this script starts that
// same module here, where its entry point runs the worker (src/main.rs).
// Every later message is the Rust worker's (src/worker/runtime.rs), which
// says `Ready` once it listens; a sweep pool's worker (started by the
// simulation worker with the role `sweep`) says `{ready: true}`.
// The page's own start-up script (index.html) may start this worker before
// the Wasm has arrived and post `{preload: glue}` first: the JS glue is then
// fetched now, beside the Wasm, and the import below finds it loaded.
// Messages that come while the module starts are handed to its handler
// once it has one.
// Checked against this script's own origin: the same as the worker's,
// except in a worker started from a blob (an embed in a sandboxed frame,
// src/worker/client.rs), whose origin is opaque.
function sameOrigin(href) {
  const own = new URL(import.meta.url).origin;
  const url = new URL(href, import.meta.url);
  if (url.origin !== own) {
    throw new Error(`the page's code must come from ${own}, not ${url.origin}`);
  }
  return url;
}

self.onmessage = async (event) => {
  if (event.data && event.data.preload) {
    try {
      import(sameOrigin(event.data.preload).href).catch(() => {});
    } catch {
      // The boot message reports a bad URL in words.
    }
    return;
  }
  // Commands the page sends before the Rust side listens are kept and
  // handed to it once it does: a worker's message that finds no handler is
  // lost.
  const early = [];
  self.onmessage = (e) => early.push(e);
  try {
    const { glue, module, role, sweepWorkers } = event.data;
    const url = sameOrigin(glue);
    // What the Rust side reads: which worker this is (`sweep` for one of a
    // sweep pool's, src/worker/sweep_pool.rs), and how to start more of
    // this module for that pool.
    self.scalesimRole = role ?? 'simulation';
    self.scalesimBoot = { glue: url.href, module, sweepWorkers };
    const bindings = await import(url.href);
    await bindings.default({ module_or_path: module });
    for (const e of early) self.onmessage?.(e);
  } catch (error) {
    // The page reads a string message as this failure, in words.
    self.postMessage(`the simulation worker could not start: ${error}`);
  }
};
