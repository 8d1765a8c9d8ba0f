/** Microseconds of CLOCK_MONOTONIC (process.hrtime): one clock shared by every process on the machine. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
