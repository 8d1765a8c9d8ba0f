// How many CPU threads llama.cpp may use. Its default (at least 4) oversubscribes a small
// machine badly: threads that wait for each other at every layer crawl when there are
// fewer cores than threads. We take the cores this process may really use: the CPU
// affinity (os.availableParallelism) capped by a container's CPU quota (cgroup), or
// LOCAL_THREADS when the operator sets it.
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
  return Math.max(1, usable);
}
