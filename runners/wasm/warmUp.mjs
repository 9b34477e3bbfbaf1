// What a parked Wasm thread runs before any instance needs it (runners/wasm/worker.mjs), so the platform's own
// JavaScript is warm, not the function's: an empty WASI command run through a request's path, WARM_UP_RUNS times.
// Forty runs, not one, bring the JIT along: in a parked thread the first run of a module took 0.21 ms instead of
// 0.31 and the second 0.06 instead of 0.10 (a scratch probe, 15 threads each), and the bench's cold starts came
// out 0.1 ms (cached) and 0.2 ms (compile) lower in three alternating pairs; it costs a few ms of the park.
// The bench's isolated floor (bench/wasm-isolated-floor.mjs) warms its threads with the same.

/** (module (memory (export "memory") 1) (func (export "_start"))) in bytes. */
export const EMPTY_COMMAND = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 4, 1, 2, 0, 11]);
export const WARM_UP_RUNS = 40;
