// Trunk's post-build hook (Trunk runs the hooks of one stage at the same
// time, so the steps that must follow one another are one hook): the
// start-up skeleton's text, the preloads moved up to the stylesheet, then
// the Content-Security-Policy (which hashes
// the page's inline scripts), then the pre-compressed copies (of the final
// index.html).
await import('./boot.mjs');
await import('./preload.mjs');
await import('./csp.mjs');
await import('./compress.mjs');
