import { describe, expect, it } from "vitest";
import { contextWindowFor, countMessageTokens, fitContext } from "@/lib/invoke/context";
import { titleFrom } from "@/lib/invoke/title";

const turn = (role: "user" | "assistant", words: number) => ({ role, content: Array(words).fill("word").join(" ") });

describe("contextWindowFor", () => {
  it("matches the longest known prefix and falls back to a default", () => {
    expect(contextWindowFor("gpt-4.1-mini")).toBe(1_047_576);
    expect(contextWindowFor("gpt-4")).toBe(8_192);
    expect(contextWindowFor("llama3.1:8b")).toBe(128_000);
    expect(contextWindowFor("deepseek/deepseek-chat")).toBe(128_000);
    expect(contextWindowFor("some-new-model")).toBe(8_192);
  });
});

describe("fitContext", () => {
  it("keeps everything that fits", () => {
    const messages = [turn("user", 10), turn("assistant", 10), turn("user", 10)];
    const fitted = fitContext({ system: "Be brief.", messages, model: "gpt-4o", maxOutputTokens: 100 });
    expect(fitted.messages).toEqual(messages);
    expect(fitted.dropped).toBe(0);
    expect(fitted.inputTokens).toBe(messages.reduce((sum, m) => sum + countMessageTokens(m), countMessageTokens({ content: "Be brief." })));
  });

  it("drops the oldest turns first and keeps the system prompt and the newest message", () => {
    const messages = Array.from({ length: 40 }, (_, i) => turn(i % 2 ? "assistant" : "user", 200));
    messages.push({ role: "user", content: "the newest question" });
    const fitted = fitContext({ system: "system prompt", messages, model: "tiny", maxOutputTokens: 500, contextWindow: 3000 });
    expect(fitted.messages.at(-1)!.content).toBe("the newest question");
    expect(fitted.messages[0].role).toBe("user");
    expect(fitted.dropped).toBeGreaterThan(20);
    expect(fitted.inputTokens).toBeLessThanOrEqual(3000 * 0.9 - 500);
  });

  it("refuses a message that cannot fit at all", () => {
    expect(() =>
      fitContext({ system: "", messages: [turn("user", 5000)], model: "tiny", maxOutputTokens: 100, contextWindow: 1000 }),
    ).toThrow(expect.objectContaining({ code: "context_length_exceeded" }));
  });

  it("merges consecutive messages of the same role", () => {
    const fitted = fitContext({
      system: "",
      messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }],
      model: "gpt-4o",
      maxOutputTokens: 10,
    });
    expect(fitted.messages).toEqual([{ role: "user", content: "a\n\nb" }]);
  });
});

describe("titleFrom", () => {
  it("uses the first line, shortened", () => {
    expect(titleFrom("  Hello   world \nsecond line")).toBe("Hello world");
    expect(titleFrom("x".repeat(100))).toHaveLength(60);
    expect(titleFrom("   ")).toBe("New conversation");
  });
});
