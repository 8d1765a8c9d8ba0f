// Renders the chat's markdown component to HTML the way the browser would get it, and checks
// what a person would: formatting works, and nothing from the model becomes live HTML.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownView } from "@/components/chat/markdown";

const render = (text: string) => renderToStaticMarkup(createElement(MarkdownView, { text }));

describe("markdown from the model", () => {
  it("shows raw HTML as text, never as elements", () => {
    const html = render('Look: <img src=x onerror="alert(1)"> and\n\n<script>alert(2)</script>\n\n<a href="javascript:alert(3)">x</a>');
    expect(html).not.toMatch(/<img|<script|<a /i);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
  });

  it("makes script links inert and web links open safely in a new tab", () => {
    const html = render("[click](javascript:alert(1)) [tab](java&#x09;script:alert(1)) [data](data:text/html,hi) [ok](https://example.com)");
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain("data:text");
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">ok</a>');
    expect(html).toContain('<span class="unsafe-link"');
  });

  it("loads no image from a script or data URL", () => {
    const html = render("![a](javascript:alert(1)) ![b](data:image/png;base64,AAAA) ![c](https://example.com/c.png)");
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toContain('src="https://example.com/c.png"');
  });

  it("renders GFM tables, task lists and strikethrough", () => {
    const html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~");
    expect(html).toContain("<table>");
    expect(html).toContain("<td>2</td>");
    expect(html).toMatch(/<input[^>]*type="checkbox"[^>]*checked/);
    expect(html).toContain("<del>old</del>");
  });

  it("highlights code with a language label and a copy button, nested fences intact", () => {
    const html = render('```ts\nconst a: number = 1;\n```\n\n````md\n```js\nlet x = 1;\n```\n````');
    expect(html.match(/data-testid="code-block"/g)).toHaveLength(2);
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain(">ts</span>");
    expect(html).toContain("```js\nlet x = 1;\n```");
    expect(html).toContain('aria-label="Copy code"');
  });

  it("renders $…$ and \\[…\\] as math while a lone $5 stays text", () => {
    const html = render("Area $\\pi r^2$, costs $5 today.\n\n\\[ E = mc^2 \\]");
    expect(html.match(/class="katex"/g)?.length).toBe(2);
    expect(html).toContain("katex-display");
    expect(html).toContain("costs $5 today.");
  });

  it("renders block by block with the same result as in one piece", () => {
    const text = "# Title\n\nSome **bold** text.\n\n- one\n- two\n\n```py\nprint(1)\n```";
    const strip = (html: string) => html.replace(/<div class="markdown-block">|<\/div>/g, "").replace(/>\n</g, "><");
    expect(render(text).match(/class="markdown-block"/g)).toHaveLength(4);
    const whole = renderToStaticMarkup(createElement(MarkdownView, { text: `${text}\n\n[x]: https://example.com` }));
    expect(strip(render(text))).toBe(strip(whole));
  });

  it("keeps reference links working across paragraphs", () => {
    const html = render("See [the docs][docs].\n\nMore text.\n\n[docs]: https://example.com/docs");
    expect(html).toContain('<a href="https://example.com/docs"');
  });
});
