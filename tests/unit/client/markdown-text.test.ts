import { describe, expect, it } from "vitest";
import { prepareMarkdown, splitMarkdownBlocks } from "@/lib/client/markdown-text";

describe("dollar signs: math versus money", () => {
  it("keeps inline math", () => {
    expect(prepareMarkdown("Euler: $e^{i\\pi}+1=0$.")).toBe("Euler: $e^{i\\pi}+1=0$.");
    expect(prepareMarkdown("$x$ and $y$")).toBe("$x$ and $y$");
  });

  it("escapes a lone dollar and prices", () => {
    expect(prepareMarkdown("It costs $5.")).toBe("It costs \\$5.");
    expect(prepareMarkdown("between $5 and $10 a month")).toBe("between \\$5 and \\$10 a month");
    expect(prepareMarkdown("$20,000 and $30,000")).toBe("\\$20,000 and \\$30,000");
  });

  it("leaves display math and escaped dollars alone", () => {
    expect(prepareMarkdown("$$\na^2+b^2=c^2\n$$")).toBe("$$\na^2+b^2=c^2\n$$");
    expect(prepareMarkdown("a \\$ sign")).toBe("a \\$ sign");
  });

  it("turns LaTeX delimiters into markdown math", () => {
    expect(prepareMarkdown("\\[ x^2 \\]")).toBe("\n$$\nx^2\n$$\n");
    expect(prepareMarkdown("so \\(a+b\\) holds")).toBe("so $a+b$ holds");
  });

  it("never touches code", () => {
    const fenced = "```sh\necho $HOME \\[x\\]\n```";
    expect(prepareMarkdown(fenced)).toBe(fenced);
    expect(prepareMarkdown("run `echo $PATH` for $5")).toBe("run `echo $PATH` for \\$5");
    const nested = "````md\n```js\nconst a = '$1';\n```\n````\nthen $2";
    expect(prepareMarkdown(nested)).toBe("````md\n```js\nconst a = '$1';\n```\n````\nthen \\$2");
  });
});

describe("blocks of a streaming answer", () => {
  it("splits paragraphs at blank lines", () => {
    expect(splitMarkdownBlocks("One.\n\nTwo.\n\n\nThree.")).toEqual(["One.", "Two.", "Three."]);
  });

  it("keeps a code fence with blank lines whole, even unclosed", () => {
    expect(splitMarkdownBlocks("Intro\n\n```py\na = 1\n\nb = 2\n```\n\nAfter")).toEqual(["Intro", "```py\na = 1\n\nb = 2\n```", "After"]);
    expect(splitMarkdownBlocks("Intro\n\n```py\na = 1\n\nb")).toEqual(["Intro", "```py\na = 1\n\nb"]);
  });

  it("keeps loose lists and indented continuations together", () => {
    expect(splitMarkdownBlocks("- a\n\n- b\n\n  more b\n\nEnd")).toEqual(["- a\n\n- b\n\n  more b", "End"]);
  });

  it("loses no text", () => {
    const text = "# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$\nx\n\ny\n$$\n\nend";
    expect(splitMarkdownBlocks(text).join("\n\n")).toBe(text);
  });
});
