// The Int32Array a Wasm execution thread (./worker.mjs) shares with its host (./host.mjs). Plain JavaScript.

/** When the current run began, in ms since the host's start, plus one; 0 while no run is going. */
export const BUSY_SINCE = 0;
/** 1 once the thread's instance has booted (so its end is an exit, not a failed start), 0 after a reset. */
export const STARTED = 1;
export const SHARED_BYTES = 8;
