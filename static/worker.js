// The simulation worker's bootstrap. The page and the worker are one Wasm
// module: the page posts the URL of its JS glue and its compiled
// `WebAssembly.Module` as the first message, and this script starts that
// same module here, where its entry point runs the worker (src/main.rs).
// Every later message is the Rust worker's (src/worker_runtime.rs), which
// says `Ready` once it listens.
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const { glue, module } = event.data;
    // This script's own origin: the same as the worker's, except in a
    // worker started from a blob (an embed in a sandboxed frame), whose
    // origin is opaque.
    const own = new URL(import.meta.url).origin;
    const url = new URL(glue, import.meta.url);
    if (url.origin !== own) {
      throw new Error(`the page's code must come from ${own}, not ${url.origin}`);
    }
    const bindings = await import(url.href);
    await bindings.default({ module_or_path: module });
  } catch (error) {
    // The page reads a string message as this failure, in words.
    self.postMessage(`the simulation worker could not start: ${error}`);
  }
};
