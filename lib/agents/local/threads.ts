// How many CPU threads llama.cpp may use. Its default (at least 4) oversubscribes a small
// machine badly, and even one thread per core is too many for an in-process model: llama.cpp's
// threads wait for each other at every layer, so each time the event loop (streaming tokens,
// writing SSE, the database) or another process takes a core, generation stalls. Measured on
// 2 busy cores, 1 thread generated 15-32 tokens/s with a model the size of Qwen2.5 0.5B and
// 1,100-1,400 with the tiny test model; 2 threads, 1-24 and 8-80. So the default is the cores
// this process may use (CPU affinity, capped by a container's CPU quota) minus one for the
// event loop, at least 1. LOCAL_THREADS overrides it.
import { readFileSync } from "node:fs";
import os from "node:os";

/** CPUs allowed by a cgroup quota ("200000 100000" = 2), or undefined when unlimited. */
export function parseCgroupCpuMax(content: string): number | undefined {
  const [quota, period] = content.trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period);
  if (quota === "max" || !Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return q / p;
}

function readCgroupCpuLimit(): number | undefined {
  try {
    return parseCgroupCpuMax(readFileSync("/sys/fs/cgroup/cpu.max", "utf8"));
  } catch {
    try {
      const quota = readFileSync("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "utf8").trim();
      const period = readFileSync("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "utf8").trim();
      return parseCgroupCpuMax(`${quota === "-1" ? "max" : quota} ${period}`);
    } catch {
      return undefined;
    }
  }
}

export interface ThreadFitInput {
  /** LOCAL_THREADS, when set. */
  configured?: number;
  available?: number;
  cgroupLimit?: number;
}

export function fitThreadCount(input: ThreadFitInput = {}): number {
  if (input.configured !== undefined) return Math.max(1, Math.floor(input.configured));
  const available = input.available ?? os.availableParallelism();
  const limit = "cgroupLimit" in input ? input.cgroupLimit : readCgroupCpuLimit();
  const usable = limit === undefined ? available : Math.min(available, Math.ceil(limit));
  return Math.max(1, usable - 1);
}
