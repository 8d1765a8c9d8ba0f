// A small leveled logger on stdout/stderr. Never give it a key: providers and the
// invocation service pass only codes, URLs and model names.
type Level = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  const level = (process.env.LOG_LEVEL as Level | undefined) ?? "info";
  return ORDER[level] ?? ORDER.info;
}

function write(level: Exclude<Level, "silent">, message: string, detail?: unknown): void {
  if (ORDER[level] < threshold()) return;
  const line = `[${new Date().toISOString()}] ${level.toUpperCase()} ${message}`;
  const stream = level === "error" || level === "warn" ? console.error : console.log;
  if (detail === undefined) stream(line);
  else stream(line, detail instanceof Error ? (detail.stack ?? detail.message) : detail);
}

export const logger = {
  debug: (message: string, detail?: unknown) => write("debug", message, detail),
  info: (message: string, detail?: unknown) => write("info", message, detail),
  warn: (message: string, detail?: unknown) => write("warn", message, detail),
  error: (message: string, detail?: unknown) => write("error", message, detail),
};
