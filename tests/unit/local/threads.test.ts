import { describe, expect, it } from "vitest";
import { fitThreadCount, parseCgroupCpuMax } from "@/lib/agents/local/threads";

describe("fitThreadCount", () => {
  it("uses the cores the process may run on, leaving one to the event loop", () => {
    expect(fitThreadCount({ available: 2, cgroupLimit: undefined })).toBe(1);
    expect(fitThreadCount({ available: 4, cgroupLimit: undefined })).toBe(3);
    expect(fitThreadCount({ available: 16, cgroupLimit: undefined })).toBe(15);
  });

  it("stays within a container's CPU quota", () => {
    expect(fitThreadCount({ available: 16, cgroupLimit: 4 })).toBe(3);
    expect(fitThreadCount({ available: 16, cgroupLimit: 2.5 })).toBe(2);
    expect(fitThreadCount({ available: 16, cgroupLimit: 0.5 })).toBe(1);
  });

  it("uses the one core of a single-core machine", () => {
    expect(fitThreadCount({ available: 1, cgroupLimit: undefined })).toBe(1);
  });

  it("takes LOCAL_THREADS as given", () => {
    expect(fitThreadCount({ configured: 3, available: 2, cgroupLimit: undefined })).toBe(3);
  });

  it("is at least one", () => {
    expect(fitThreadCount({ available: 0, cgroupLimit: undefined })).toBe(1);
  });

  it("matches this machine without arguments", () => {
    expect(fitThreadCount()).toBeGreaterThanOrEqual(1);
  });
});

describe("parseCgroupCpuMax", () => {
  it("reads cgroup v2 cpu.max", () => {
    expect(parseCgroupCpuMax("200000 100000\n")).toBe(2);
    expect(parseCgroupCpuMax("max 100000\n")).toBeUndefined();
    expect(parseCgroupCpuMax("")).toBeUndefined();
  });
});
