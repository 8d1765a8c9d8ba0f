// The heaviest functions of a V8 .cpuprofile by self time (where the CPU actually was), with
// the share of all samples that were not idle.
//
//   tsx bench/profile-summary.ts <file.cpuprofile> [count]
import fs from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** µs of the monotonic clock (the one bench/clock.ts reads). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileItem {
  function: string;
  location: string;
  selfMs: number;
  /** Share of the non-idle time. */
  share: number;
}

const NOT_WORK = new Set(["(idle)", "(program)", "(root)"]);

function locationOf(url: string, line: number): string {
  if (!url) return "(native)";
  const file = url.replace(/^file:\/\//, "");
  const inModules = file.lastIndexOf("node_modules/");
  const shown = inModules >= 0 ? file.slice(inModules + "node_modules/".length) : path.relative(process.cwd(), file);
  return `${shown}:${line + 1}`;
}

/** `window` (monotonic µs) keeps only the samples taken under load, leaving start-up and shutdown out. */
/** Where a function lives, coarsely: an npm package, a Node internal area, a Next chunk or our file. */
function areaOf(url: string, fn: string): string {
  if (!url) return `(native ${fn})`;
  const file = url.replace(/^file:\/\//, "");
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith("node:")) return `node:${file.slice(5).split("/").slice(0, 2).join("/")}`;
  if (file.includes("/.next/")) return "next (app chunks)";
  return path.relative(process.cwd(), file);
}

export interface ProfileSummary {
  busyMs: number;
  items: ProfileItem[];
  /** Self time grouped by package / area. */
  areas: { area: string; selfMs: number; share: number }[];
}

export function summarizeProfile(file: string, count = 15, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const totals = new Map<string, { fn: string; location: string; us: number }>();
  const areas = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const fn = functionName || "(anonymous)";
    if (NOT_WORK.has(fn)) continue;
    busyUs += us;
    const area = areaOf(url, fn);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const location = locationOf(url, lineNumber);
    const key = `${fn} ${location}`;
    const total = totals.get(key) ?? { fn, location, us: 0 };
    total.us += us;
    totals.set(key, total);
  }
  const items = [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((t) => ({ function: t.fn, location: t.location, selfMs: t.us / 1000, share: t.us / busyUs }));
  const byArea = [...areas.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([area, us]) => ({ area, selfMs: us / 1000, share: us / busyUs }));
  return { busyMs: busyUs / 1000, items, areas: byArea };
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [`busy ${summary.busyMs.toFixed(0)} ms (idle and "(program)" left out); top functions by self time:`];
  for (const item of summary.items) {
    lines.push(`  ${(item.share * 100).toFixed(1).padStart(5)}%  ${item.selfMs.toFixed(1).padStart(8)} ms  ${item.function}  ${item.location}`);
  }
  lines.push("by package / area:");
  for (const area of summary.areas) {
    lines.push(`  ${(area.share * 100).toFixed(1).padStart(5)}%  ${area.selfMs.toFixed(1).padStart(8)} ms  ${area.area}`);
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count, fromUs, toUs] = process.argv.slice(2);
  if (!file) {
    console.error("usage: tsx bench/profile-summary.ts <file.cpuprofile> [count] [fromUs toUs]");
    process.exit(2);
  }
  const window = fromUs && toUs ? { fromUs: Number(fromUs), toUs: Number(toUs) } : undefined;
  console.log(formatProfile(summarizeProfile(file, count ? Number(count) : 25, window)));
}
