// Links and images in model output: only web and mail links survive; everything else
// (javascript:, data:, vbscript:, file: …) becomes an empty string, which renders inert.

const ALLOWED_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

export function safeUrl(value: string): string {
  const url = value.trim();
  if (url === "") return "";
  // Same-page anchors and relative paths cannot carry a script.
  if (url.startsWith("#") || (url.startsWith("/") && !url.startsWith("//"))) return url;
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so test without them.
  const compact = url.replace(/[\u0000-\u0020\u007F]/g, "");
  if (compact.startsWith("//")) return "";
  // A colon before any "/", "?" or "#" makes the start a scheme, whatever characters it holds.
  const colon = compact.indexOf(":");
  const pathStart = compact.search(/[/?#]/);
  if (colon < 0 || (pathStart >= 0 && pathStart < colon)) return url;
  return ALLOWED_PROTOCOLS.has(compact.slice(0, colon + 1).toLowerCase()) ? url : "";
}

/** Images additionally refuse mailto:. */
export function safeImageUrl(value: string): string {
  const url = safeUrl(value);
  return /^https?:/i.test(url) ? url : "";
}
