"use client";
// Model output as markdown: GFM, math (KaTeX), highlighted code with a copy button.
// Safety: raw HTML is shown as text (never parsed into elements), links keep only
// http(s)/mailto and open in a new tab without an opener, images load only over http(s).
// An answer is split into top-level blocks, each memoized, so while it streams a frame only
// re-parses the block that is growing, and the end of the stream re-parses nothing.
import { memo, useMemo, type ComponentProps } from "react";
import Markdown, { type Components, type ExtraProps } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import type { Root as MdastRoot, RootContent } from "mdast";
import type { Element as HastElement, ElementContent } from "hast";
import { CodeBlock } from "@/components/chat/code-block";
import { markdownBlocks, prepareMarkdown } from "@/lib/client/markdown-text";
import { safeImageUrl, safeUrl } from "@/lib/client/safe-url";

/** Raw HTML in the markdown becomes visible text: nothing from the model is parsed as HTML. */
function remarkHtmlAsText() {
  return (tree: MdastRoot) => {
    const visit = (node: { type: string; children?: RootContent[] }) => {
      if (!node.children) return;
      node.children = node.children.map((child) => {
        if (child.type !== "html") {
          visit(child as { type: string; children?: RootContent[] });
          return child;
        }
        const text = { type: "text" as const, value: child.value };
        // Block-level HTML sits where a paragraph would.
        const isFlow = node.type === "root" || node.type === "blockquote" || node.type === "listItem";
        return (isFlow ? { type: "paragraph", children: [text] } : text) as RootContent;
      });
    };
    visit(tree);
  };
}

const remarkPlugins: ComponentProps<typeof Markdown>["remarkPlugins"] = [remarkGfm, [remarkMath, { singleDollarTextMath: true }], remarkHtmlAsText];
const rehypePlugins: ComponentProps<typeof Markdown>["rehypePlugins"] = [
  [rehypeKatex, { strict: "ignore", errorColor: "currentColor" }],
  [rehypeHighlight, { detect: false }],
];

function urlTransform(url: string, key: string): string {
  return key === "src" ? safeImageUrl(url) : safeUrl(url);
}

function textOf(node: ElementContent | HastElement): string {
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

const components: Components = {
  a({ href, children, node: _node, ...rest }) {
    if (!href) {
      return (
        <span className="unsafe-link" title="Link removed: only web and mail links are allowed">
          {children}
        </span>
      );
    }
    const external = !href.startsWith("#");
    return (
      <a href={href} {...rest} {...(external ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {})}>
        {children}
      </a>
    );
  },
  img({ src, alt }) {
    if (typeof src !== "string" || !src) return <span>{alt ? `[image: ${alt}]` : "[image]"}</span>;
    // eslint-disable-next-line @next/next/no-img-element -- model output, arbitrary hosts
    return <img src={src} alt={alt ?? ""} loading="lazy" referrerPolicy="no-referrer" />;
  },
  pre({ node, children }: ComponentProps<"pre"> & ExtraProps) {
    const code = node?.children.find((child): child is HastElement => child.type === "element" && child.tagName === "code");
    const className = code?.properties?.className;
    const classes = Array.isArray(className) ? className.map(String) : [];
    const language = classes.find((name) => name.startsWith("language-"))?.slice("language-".length);
    return (
      <CodeBlock language={language} text={code ? textOf(code) : ""}>
        {children}
      </CodeBlock>
    );
  },
};

const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  const prepared = useMemo(() => prepareMarkdown(text), [text]);
  return (
    <div className="markdown-block">
      <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={urlTransform}>
        {prepared}
      </Markdown>
    </div>
  );
});

export const MarkdownView = memo(function MarkdownView({ text }: { text: string }) {
  const blocks = useMemo(() => markdownBlocks(text), [text]);
  return (
    <div className="markdown">
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} text={block} />
      ))}
    </div>
  );
});
