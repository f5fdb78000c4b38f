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
    const url = new URL(glue, self.location.href);
    if (url.origin !== self.location.origin) {
      throw new Error(`the page's code must come from ${self.location.origin}, not ${url.origin}`);
    }
    const bindings = await import(url.href);
    await bindings.default({ module_or_path: module });
  } catch (error) {
    // The page reads a string message as this failure, in words.
    self.postMessage(`the simulation worker could not start: ${error}`);
  }
};
