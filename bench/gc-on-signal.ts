// Preloaded into the server by the benchmark only (with --expose-gc): SIGUSR2 runs a full
// garbage collection, so "RSS after the run" is measured on a collected heap rather than on
// whatever V8 had not got round to freeing yet.
process.on("SIGUSR2", () => {
  (globalThis as typeof globalThis & { gc?: () => void }).gc?.();
});
