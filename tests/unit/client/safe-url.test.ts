import { describe, expect, it } from "vitest";
import { safeImageUrl, safeUrl } from "@/lib/client/safe-url";

describe("links in model output", () => {
  it("keeps web, mail, anchor and relative links", () => {
    for (const url of ["https://example.com/a?b=1", "http://localhost:3001", "mailto:a@b.c", "#section", "/c/abc", "docs/a:b", "?q=a:b"]) {
      expect(safeUrl(url)).toBe(url);
    }
  });

  it("drops script and data URLs, however they are disguised", () => {
    for (const url of ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "file:///etc/passwd", "//evil.example/x"]) {
      expect(safeUrl(url), url).toBe("");
    }
  });

  it("loads images only over http(s)", () => {
    expect(safeImageUrl("https://example.com/a.png")).toBe("https://example.com/a.png");
    expect(safeImageUrl("mailto:a@b.c")).toBe("");
    expect(safeImageUrl("x")).toBe("");
  });
});
