/**
 * node:crypto, loaded on first use: loading it is 5 ms of CPU, and `status`, `log` and `show` start in
 * about twice a bare `node` without it (`node build/bench/run.js cli-start`).
 */
export const crypto = () => process.getBuiltinModule('node:crypto');
