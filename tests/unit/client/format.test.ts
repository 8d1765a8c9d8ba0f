import { describe, expect, it } from "vitest";
import { errorAdvice, formatDuration, formatTokens, tokensPerSecond } from "@/lib/client/format";

describe("message details", () => {
  it("formats durations for people", () => {
    expect(formatDuration(420)).toBe("420 ms");
    expect(formatDuration(2345)).toBe("2.3 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
  });

  it("formats usage and speed", () => {
    expect(formatTokens({ inputTokens: 1200, outputTokens: 34 })).toBe("1,200 in · 34 out");
    expect(tokensPerSecond({ inputTokens: 1, outputTokens: 100 }, 2200, 200)).toBe("50 tok/s");
    expect(tokensPerSecond({ inputTokens: 1, outputTokens: 1 }, 2200, 200)).toBeUndefined();
  });

  it("says what to do about each provider failure", () => {
    expect(errorAdvice("provider_not_configured")).toMatch(/\.env/);
    expect(errorAdvice("rate_limited")).toMatch(/retry/i);
    expect(errorAdvice("something_new")).toBeUndefined();
  });
});
