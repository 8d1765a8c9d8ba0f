// Cancelling a turn reaches the vendor: the fake server sees its client socket close.
import { describe, expect, it } from "vitest";
import { streamAgent } from "@/lib/agents/run";
import type { StreamPart } from "@/lib/agents/types";
import { CHAT, PROVIDER_CASES, providerFor, useFakeVendor } from "@/tests/unit/providers/provider-cases";

describe.each(PROVIDER_CASES)("$name abort", (testCase) => {
  const fake = useFakeVendor(testCase);

  it("aborting mid-answer ends the stream at once and closes the vendor connection", async () => {
    fake().setScript({ text: "one two three four five six seven eight", tokenDelayMs: 100 });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const started = performance.now();
    for await (const part of providerFor(testCase).stream({ ...CHAT, model: testCase.target.model }, controller.signal)) {
      parts.push(part);
      if (parts.length === 1) controller.abort();
    }
    expect(parts).toEqual([{ type: "text-delta", text: "one" }]);
    // Eight tokens at 100 ms would take 800 ms; an abort that works ends long before.
    expect(performance.now() - started).toBeLessThan(600);
    const closed = await fake().waitForClientClose(2000);
    expect(closed.chat).toBe(true);
  });

  it("aborting before the first byte closes the vendor connection", async () => {
    fake().setScript({ fault: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const parts: StreamPart[] = [];
    for await (const part of providerFor(testCase).stream({ ...CHAT, model: testCase.target.model }, controller.signal)) parts.push(part);
    expect(parts).toEqual([]);
    await fake().waitForClientClose(2000);
  });

  it("streamAgent ends quietly on the caller's abort, without an error part", async () => {
    fake().setScript({ text: "one two three four five six", tokenDelayMs: 80 });
    const controller = new AbortController();
    const types: string[] = [];
    for await (const part of streamAgent(testCase.target, CHAT, controller.signal, { firstTokenTimeoutMs: 5000, idleTimeoutMs: 5000, maxRetries: 2 })) {
      types.push(part.type);
      if (part.type === "text-delta") controller.abort();
    }
    expect(types).toEqual(["route", "text-delta"]);
    await fake().waitForClientClose(2000);
    expect(fake().chatRequests()).toHaveLength(1);
  });

  it("a consumer that stops reading closes the vendor connection", async () => {
    fake().setScript({ text: "one two three four five six", tokenDelayMs: 80 });
    for await (const part of streamAgent(testCase.target, CHAT, new AbortController().signal, { firstTokenTimeoutMs: 5000, idleTimeoutMs: 5000, maxRetries: 0 })) {
      if (part.type === "text-delta") break;
    }
    await fake().waitForClientClose(2000);
  });
});
