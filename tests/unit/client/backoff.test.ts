import { describe, expect, it } from "vitest";
import { backoffDelay } from "@/lib/client/backoff";

describe("reconnect backoff", () => {
  it("doubles the ceiling per attempt, between half and all of it", () => {
    expect(backoffDelay(0, 0)).toBe(250);
    expect(backoffDelay(0, 0.999)).toBeLessThanOrEqual(500);
    expect(backoffDelay(3, 0)).toBe(2000);
    expect(backoffDelay(3, 0.999)).toBeLessThanOrEqual(4000);
  });

  it("never waits longer than the cap, however many attempts failed", () => {
    for (const attempt of [10, 50, 1000]) {
      expect(backoffDelay(attempt, 0.999)).toBeLessThanOrEqual(15_000);
      expect(backoffDelay(attempt, 0)).toBe(7500);
    }
  });
});
