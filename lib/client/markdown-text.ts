// Text-level preparation of model output before it is parsed as markdown:
// - `\[…\]` and `\(…\)` (LaTeX delimiters models often use) become `$$…$$` and `$…$`;
// - a `$` that cannot open inline math under Pandoc's rule is escaped, so "$5 and $10"
//   stays text while "$x^2$" is math. (Pandoc: the opening `$` has a non-space right after
//   it, the closing `$` a non-space right before it and no digit right after it.)
// Code (fenced blocks and inline code spans) is never touched.
// And splitting an answer into top-level blocks, each parsed (and memoized) on its own, so a
// streaming answer only re-parses the block that grows and finishing changes nothing.

const FENCE_OPEN = /^\s*(`{3,}|~{3,})/;

interface Segment {
  code: boolean;
  text: string;
}

/** Splits markdown into fenced-code segments (kept verbatim) and prose. An unclosed fence runs to the end. */
function splitFences(markdown: string): Segment[] {
  const lines = markdown.split("\n");
  const segments: Segment[] = [];
  let prose: string[] = [];
  let i = 0;
  const flushProse = () => {
    if (prose.length) segments.push({ code: false, text: prose.join("\n") });
    prose = [];
  };
  while (i < lines.length) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (!open || (open[1][0] === "`" && lines[i].slice(open.index + open[0].length).includes("`"))) {
      prose.push(lines[i++]);
      continue;
    }
    flushProse();
    const fence = open[1];
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    const block = [lines[i++]];
    while (i < lines.length) {
      const line = lines[i++];
      block.push(line);
      if (close.test(line)) break;
    }
    segments.push({ code: true, text: block.join("\n") });
  }
  flushProse();
  return segments;
}

/** Splits prose into inline code spans (kept verbatim) and text, the way CommonMark pairs backtick runs. */
function splitCodeSpans(prose: string): Segment[] {
  const segments: Segment[] = [];
  let textStart = 0;
  let i = 0;
  while (i < prose.length) {
    if (prose[i] !== "`" || (i > 0 && prose[i - 1] === "\\")) {
      i++;
      continue;
    }
    let runEnd = i;
    while (prose[runEnd] === "`") runEnd++;
    const run = runEnd - i;
    let closing = -1;
    for (let j = runEnd; j < prose.length; ) {
      if (prose[j] !== "`") {
        j++;
        continue;
      }
      let k = j;
      while (prose[k] === "`") k++;
      if (k - j === run) {
        closing = j;
        break;
      }
      j = k;
    }
    if (closing < 0) {
      i = runEnd;
      continue;
    }
    if (i > textStart) segments.push({ code: false, text: prose.slice(textStart, i) });
    segments.push({ code: true, text: prose.slice(i, closing + run) });
    i = textStart = closing + run;
  }
  if (textStart < prose.length) segments.push({ code: false, text: prose.slice(textStart) });
  return segments;
}

const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

/** Finds the `$` closing inline math opened at `open`, or -1. Math does not cross a blank line. */
function closingDollar(text: string, open: number): number {
  for (let j = open + 2; j < text.length; j++) {
    const ch = text[j];
    if (ch === "\n" && text[j + 1] === "\n") return -1;
    if (ch === "\\") {
      j++;
      continue;
    }
    if (ch !== "$") continue;
    if (text[j + 1] === "$") return -1;
    if (!isSpace(text[j - 1]) && !isDigit(text[j + 1])) return j;
  }
  return -1;
}

function escapeLoneDollars(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    if (text[i + 1] === "$") {
      out += "$$";
      i += 2;
      continue;
    }
    const close = isSpace(text[i + 1]) ? -1 : closingDollar(text, i);
    if (close < 0) {
      out += "\\$";
      i++;
      continue;
    }
    out += text.slice(i, close + 1);
    i = close + 1;
  }
  return out;
}

function convertLatexDelimiters(text: string): string {
  return text
    .replace(/\\\[([\s\S]+?)\\\]/g, (_match, body: string) => `\n$$\n${body.trim()}\n$$\n`)
    .replace(/\\\(([\s\S]+?)\\\)/g, (_match, body: string) => `$${body.trim()}$`);
}

export function prepareMarkdown(markdown: string): string {
  return splitFences(markdown)
    .map((segment) =>
      segment.code
        ? segment.text
        : splitCodeSpans(segment.text)
            .map((part) => (part.code ? part.text : escapeLoneDollars(convertLatexDelimiters(part.text))))
            .join(""),
    )
    .join("\n");
}

const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])\s/;

/**
 * Top-level blocks of a (partial) answer, split at blank lines outside code fences and `$$`
 * math. Indented continuations and consecutive list items stay with their block, so lists and
 * nested content render as they would in one piece.
 */
export function splitMarkdownBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: RegExp | null = null;
  let inMath = false;
  let blankBefore = false;
  const push = () => {
    if (current.length) blocks.push(current.join("\n"));
    current = [];
  };
  for (const line of markdown.split("\n")) {
    if (fence) {
      current.push(line);
      if (fence.test(line)) fence = null;
      continue;
    }
    if (inMath) {
      current.push(line);
      if (line.trim() === "$$") inMath = false;
      continue;
    }
    if (line.trim() === "") {
      blankBefore = current.length > 0;
      if (current.length) current.push(line);
      continue;
    }
    if (blankBefore) {
      const continuation = /^\s/.test(line) || (LIST_ITEM.test(line) && LIST_ITEM.test(current[0]));
      if (!continuation) {
        while (current.length && current[current.length - 1].trim() === "") current.pop();
        push();
      }
      blankBefore = false;
    }
    current.push(line);
    const open = FENCE_OPEN.exec(line);
    if (open) fence = new RegExp(`^\\s*${open[1][0] === "`" ? "`" : "~"}{${open[1].length},}\\s*$`);
    else if (line.trim() === "$$") inMath = true;
  }
  push();
  return blocks;
}

/** Link reference definitions and footnotes refer across blocks: such text is parsed whole. */
const CROSS_BLOCK_REFERENCE = /^ {0,3}\[[^\]\n]+\]:/m;

export function markdownBlocks(markdown: string): string[] {
  return CROSS_BLOCK_REFERENCE.test(markdown) ? [markdown] : splitMarkdownBlocks(markdown);
}
