// `npm run bench`: how much the platform adds between a provider's stream and its users,
// and how far it scales. Starts the stamped fake provider (bench/stamped-fake.ts), the real
// production server (tests/helpers/server.ts, temporary SQLite) and WebSocket subscriber
// processes (bench/subscriber-worker.ts), measures, prints a table and writes JSON to
// bench/results/. What each figure means and how it is taken: bench/README.md.
//
//   tsx bench/run.ts [--tokens 100] [--token-delay 10] [--levels 1,20,100] [--fanout 1000]
//     [--fanout-token-delay 20] [--fanout-workers 1] [--label name] [--profile] [--quick]
//     [--server-node-args "--perf-basic-prof"]
import { fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { monotonicMicros } from "@/bench/clock";
import { cpuTimeMs, memoryOf, percentile } from "@/bench/measure";
import { formatProfile, summarizeProfile, type ProfileItem, type ProfileSummary } from "@/bench/profile-summary";
import { INVOKE_STREAM, PROVIDER_STREAM, timeStream, type StreamTiming } from "@/bench/stream-client";
import type { Collected } from "@/bench/subscriber-worker";
import { ROOT, startServer, type TestServer } from "@/tests/helpers/server";

const { values: args } = parseArgs({
  options: {
    tokens: { type: "string", default: "100" },
    "token-delay": { type: "string", default: "10" },
    levels: { type: "string", default: "1,20,100" },
    fanout: { type: "string", default: "1000" },
    "fanout-token-delay": { type: "string", default: "20" },
    "fanout-workers": { type: "string", default: "1" },
    label: { type: "string", default: "" },
    profile: { type: "boolean", default: false },
    /** Extra node flags for the server, space-separated (e.g. "--perf-basic-prof" for perf). */
    "server-node-args": { type: "string", default: "" },
    /** Skips the wait for replay retention (RSS "after" is then taken right after a GC). */
    quick: { type: "boolean", default: false },
  },
});

const TOKENS = Number(args.tokens);
const TOKEN_DELAY_MS = Number(args["token-delay"]);
const LEVELS = args.levels.split(",").map(Number);
const FANOUT = Number(args.fanout);
const FANOUT_TOKEN_DELAY_MS = Number(args["fanout-token-delay"]);
const FANOUT_WORKERS = Number(args["fanout-workers"]);
/** Samples per level: at least this many measured turns, and at least two rounds. */
const MIN_TURNS_PER_LEVEL = 20;
/** The hub keeps a finished invocation's replay buffer this long (lib/realtime/hub.ts default). */
const REPLAY_RETENTION_MS = 60_000;
const RESULTS_DIR = path.join(ROOT, "bench", "results");
const SYSTEM_PROMPT = "You are a benchmark.";
const MESSAGE = "Count for me.";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const log = (line: string) => console.error(`[bench] ${line}`);

// --- processes ---------------------------------------------------------------------------

interface FakeProcess {
  child: ChildProcess;
  baseUrl: string;
  origin: string;
}

async function startFakeProcess(): Promise<FakeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/stamped-fake.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const lines = readline.createInterface({ input: child.stdout! });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the fake provider exited with ${code}`)));
  });
  return { child, baseUrl, origin: new URL(baseUrl).origin };
}

class SubscriberWorker {
  private readonly child = fork(path.join(ROOT, "bench", "subscriber-worker.ts"), { cwd: ROOT, execArgv: ["--import", "tsx"] });

  private request<T>(command: unknown, answer: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type: string; message?: string }) => {
        if (message.type !== answer && message.type !== "failed") return;
        this.child.off("message", onMessage);
        if (message.type === "failed") reject(new Error(`subscriber worker: ${message.message}`));
        else resolve(message as T);
      };
      this.child.on("message", onMessage);
      this.child.send(command as object);
    });
  }

  open(wsUrl: string, topics: string[]) {
    return this.request({ type: "open", wsUrl, topics }, "opened");
  }
  collect(turns: number, timeoutMs = 60_000) {
    return this.request<Collected>({ type: "collect", turns, timeoutMs }, "collected");
  }
  close() {
    return this.request({ type: "close" }, "closed");
  }
  exit() {
    this.child.kill();
  }
}

// --- the measured system -------------------------------------------------------------------

interface Bench {
  fake: FakeProcess;
  server: TestServer;
  agentId: string;
  serverAgent: http.Agent;
  providerAgent: http.Agent;
}

/**
 * Fresh connection pools for a phase. A pooled socket left idle from an earlier phase can
 * meet the peer's keep-alive timeout just as it is reused (ECONNRESET); each phase warms
 * its own pools right before measuring instead.
 */
function freshPools(bench: Bench): void {
  bench.serverAgent.destroy();
  bench.providerAgent.destroy();
  bench.serverAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  bench.providerAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
}

async function postJson(url: string, body: unknown): Promise<any> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function metrics(bench: Bench): Promise<{ turnDbWrites: number; invocations: { started: number }; realtime: { bufferedInvocations: number } }> {
  const response = await fetch(`${bench.server.url}/api/metrics`);
  return response.json() as Promise<any>;
}

function setScript(bench: Bench, tokens: number, tokenDelayMs: number) {
  return postJson(`${bench.fake.origin}/__fake/script`, { text: range(tokens).map(() => " x"), tokenDelayMs });
}

/** The request the server's provider makes, sent straight to the fake: the baseline. */
function directTurn(bench: Bench, collectDelays = false): Promise<StreamTiming> {
  const body = {
    model: "fake-model",
    messages: [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: MESSAGE },
    ],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 1024,
  };
  return timeStream(`${bench.fake.baseUrl}/chat/completions`, body, { agent: bench.providerAgent, kind: PROVIDER_STREAM, collectDelays });
}

function invokeTurn(bench: Bench, conversationId?: string, options: { collectDelays?: boolean; keepBlocks?: boolean } = {}) {
  const body = { agentId: bench.agentId, message: MESSAGE, ...(conversationId ? { conversationId } : {}) };
  return timeStream(`${bench.server.url}/api/invoke`, body, { agent: bench.serverAgent, kind: INVOKE_STREAM, ...options });
}

/** A first short turn: the conversation must exist before anyone can subscribe to it. */
async function createConversation(bench: Bench): Promise<string> {
  const timing = await invokeTurn(bench, undefined, { keepBlocks: true });
  const start = timing.blocks.find((block) => block.includes("\nevent: start\n"));
  if (timing.status !== 200 || !start) throw new Error(`creating a conversation failed: ${timing.status} ${timing.blocks.join("\n")}`);
  return JSON.parse(start.slice(start.indexOf("data: ") + 6)).conversationId;
}

// --- phases ------------------------------------------------------------------------------

interface Distribution {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

function distribution(values: number[]): Distribution {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), samples: values.length };
}

interface LevelResult {
  concurrency: number;
  turns: number;
  tokensPerTurn: number;
  tokenDelayMs: number;
  failedTurns: number;
  missingTokens: number;
  /** Requests sent again after a stale pooled socket (stream-client.ts). */
  retriedRequests: number;
  ttftMs: { server: Distribution; baseline: Distribution };
  ttftOverheadMs: { p50: number; p95: number };
  server: {
    cpuMs: number;
    wallMs: number;
    tokens: number;
    cpuPerTokenMs: number;
    cores: number;
    /** CPU of one short (one-token) turn at this concurrency: what every turn costs regardless of its length. */
    cpuPerShortTurnMs: number;
    /** (CPU − turns × cpuPerShortTurnMs) / tokens: what each further token costs. */
    marginalCpuPerTokenMs: number;
  };
  fake: { cpuMs: number; cpuPerTokenMs: number; cores: number };
  dbWritesPerTurn: number;
  subscribers: { tokens: number; incomplete: number; delayMs: Distribution };
}

async function runLevel(bench: Bench, worker: SubscriberWorker, concurrency: number): Promise<LevelResult> {
  const rounds = Math.max(2, Math.ceil(MIN_TURNS_PER_LEVEL / concurrency));
  log(`level ${concurrency}: ${rounds} rounds of ${concurrency} concurrent turns, ${TOKENS} tokens every ${TOKEN_DELAY_MS} ms`);
  freshPools(bench);

  // Short turns warm each client's connection pool (and the server's pool to the fake) to
  // this concurrency right before its measured rounds, so no measured turn pays for a
  // connect and no pooled socket sits idle long enough to meet a keep-alive timeout.
  await setScript(bench, 1, 0);
  await Promise.all(range(concurrency).map(() => directTurn(bench)));
  await setScript(bench, TOKENS, TOKEN_DELAY_MS);
  const baseline: StreamTiming[] = [];
  const fakeCpuBefore = cpuTimeMs(bench.fake.child.pid!);
  const baselineStart = performance.now();
  for (const _ of range(rounds)) baseline.push(...(await Promise.all(range(concurrency).map(() => directTurn(bench)))));
  const fakeWallMs = performance.now() - baselineStart;
  const fakeCpuMs = cpuTimeMs(bench.fake.child.pid!) - fakeCpuBefore;

  // The conversations must exist before anyone can subscribe to them: a first short turn each.
  await setScript(bench, 1, 0);
  const shortTurnsCpuBefore = cpuTimeMs(bench.server.pid);
  const conversations = await Promise.all(range(concurrency).map(() => createConversation(bench)));
  const cpuPerShortTurnMs = (cpuTimeMs(bench.server.pid) - shortTurnsCpuBefore) / concurrency;
  await worker.open(bench.server.wsUrl, conversations.map((id) => `conversation:${id}`));
  await setScript(bench, TOKENS, TOKEN_DELAY_MS);

  const measured: StreamTiming[] = [];
  const delaysUs: number[] = [];
  let subscriberTokens = 0;
  let incomplete = 0;
  const metricsBefore = await metrics(bench);
  const cpuBefore = cpuTimeMs(bench.server.pid);
  const started = performance.now();
  for (const _ of range(rounds)) {
    const [round, collected] = await Promise.all([
      Promise.all(conversations.map((id) => invokeTurn(bench, id))),
      worker.collect(1),
    ]);
    measured.push(...round);
    subscriberTokens += collected.tokens;
    incomplete += collected.incomplete;
    for (const delay of collected.delaysUs) delaysUs.push(delay);
  }
  const wallMs = performance.now() - started;
  const cpuMs = cpuTimeMs(bench.server.pid) - cpuBefore;
  const metricsAfter = await metrics(bench);
  await worker.close();

  const ok = measured.filter((t) => t.status === 200);
  const tokens = ok.reduce((sum, t) => sum + t.tokens, 0);
  const baselineTokens = baseline.reduce((sum, t) => sum + t.tokens, 0);
  const serverTtft = distribution(ok.map((t) => t.ttftMs));
  const baselineTtft = distribution(baseline.map((t) => t.ttftMs));
  const turns = metricsAfter.invocations.started - metricsBefore.invocations.started;
  return {
    concurrency,
    turns: measured.length,
    tokensPerTurn: TOKENS,
    tokenDelayMs: TOKEN_DELAY_MS,
    failedTurns: measured.length - ok.length,
    retriedRequests: [...measured, ...baseline].filter((t) => t.retried).length,
    missingTokens: measured.length * TOKENS - tokens + (measured.length * TOKENS - subscriberTokens),
    ttftMs: { server: serverTtft, baseline: baselineTtft },
    ttftOverheadMs: { p50: serverTtft.p50 - baselineTtft.p50, p95: serverTtft.p95 - baselineTtft.p95 },
    server: {
      cpuMs,
      wallMs,
      tokens,
      cpuPerTokenMs: cpuMs / tokens,
      cores: cpuMs / wallMs,
      cpuPerShortTurnMs,
      marginalCpuPerTokenMs: (cpuMs - measured.length * cpuPerShortTurnMs) / tokens,
    },
    fake: { cpuMs: fakeCpuMs, cpuPerTokenMs: fakeCpuMs / baselineTokens, cores: fakeCpuMs / fakeWallMs },
    dbWritesPerTurn: (metricsAfter.turnDbWrites - metricsBefore.turnDbWrites) / turns,
    subscribers: { tokens: subscriberTokens, incomplete, delayMs: distribution(delaysUs.map((us) => us / 1000)) },
  };
}

interface FanoutResult {
  subscribers: number;
  workers: number;
  tokensPerTurn: number;
  tokenDelayMs: number;
  delayMs: Distribution;
  baselineDelayMs: Distribution;
  /** The invoking SSE client's own per-token delay, for comparison. */
  sseDelayMs: Distribution;
  tokensReceived: number;
  tokensExpected: number;
  incompleteSubscribers: number;
  server: { cpuMs: number; wallMs: number; cpuPerTokenMs: number; cores: number };
}

async function runFanout(bench: Bench, workers: SubscriberWorker[]): Promise<FanoutResult> {
  log(`fan-out: one turn watched by ${FANOUT} WebSocket subscribers in ${workers.length} process(es), ${TOKENS} tokens every ${FANOUT_TOKEN_DELAY_MS} ms`);
  freshPools(bench);
  await setScript(bench, 1, 0);
  await directTurn(bench);
  const conversationId = await createConversation(bench);
  const topic = `conversation:${conversationId}`;
  await Promise.all(
    workers.map((worker, w) => worker.open(bench.server.wsUrl, range(FANOUT).filter((i) => i % workers.length === w).map(() => topic))),
  );
  await setScript(bench, TOKENS, FANOUT_TOKEN_DELAY_MS);

  const baseline = await directTurn(bench, true);
  const cpuBefore = cpuTimeMs(bench.server.pid);
  const started = performance.now();
  const [sse, ...collected] = await Promise.all([
    invokeTurn(bench, conversationId, { collectDelays: true }),
    ...workers.map((worker) => worker.collect(1)),
  ]);
  const wallMs = performance.now() - started;
  const cpuMs = cpuTimeMs(bench.server.pid) - cpuBefore;
  await Promise.all(workers.map((worker) => worker.close()));

  const delaysUs = collected.flatMap((c) => c.delaysUs);
  const tokensReceived = collected.reduce((sum, c) => sum + c.tokens, 0);
  return {
    subscribers: FANOUT,
    workers: workers.length,
    tokensPerTurn: TOKENS,
    tokenDelayMs: FANOUT_TOKEN_DELAY_MS,
    delayMs: distribution(delaysUs.map((us) => us / 1000)),
    baselineDelayMs: distribution(baseline.delaysUs.map((us) => us / 1000)),
    sseDelayMs: distribution(sse.delaysUs.map((us) => us / 1000)),
    tokensReceived,
    tokensExpected: FANOUT * TOKENS,
    incompleteSubscribers: collected.reduce((sum, c) => sum + c.incomplete, 0),
    server: { cpuMs, wallMs, cpuPerTokenMs: cpuMs / sse.tokens, cores: cpuMs / wallMs },
  };
}

/** Closes nothing itself: waits for the hub to drop every finished replay buffer, then collects garbage. */
async function settle(bench: Bench): Promise<{ waitedMs: number; bufferedInvocations: number }> {
  const started = performance.now();
  let buffered = (await metrics(bench)).realtime.bufferedInvocations;
  if (!args.quick) {
    const deadline = started + REPLAY_RETENTION_MS + 15_000;
    while (buffered > 0 && performance.now() < deadline) {
      await sleep(1000);
      buffered = (await metrics(bench)).realtime.bufferedInvocations;
    }
  }
  process.kill(bench.server.pid, "SIGUSR2");
  await sleep(1000);
  return { waitedMs: performance.now() - started, bufferedInvocations: buffered };
}

// --- report ------------------------------------------------------------------------------

interface Row {
  figure: string;
  measured: string;
  target: string;
  met?: boolean;
  baseline: string;
  ratio: string;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "—");

function rowsOf(levels: LevelResult[], fanout: FanoutResult, memory: MemoryResult): Row[] {
  const rows: Row[] = [];
  const ttftTargets: Record<number, number> = { 1: 5, 100: 25 };
  for (const level of levels) {
    const { server, baseline } = level.ttftMs;
    const target = ttftTargets[level.concurrency];
    rows.push({
      figure: `TTFT overhead p50 @${level.concurrency}`,
      measured: ms(level.ttftOverheadMs.p50),
      target: target !== undefined ? `≤ ${target} ms` : "—",
      met: target !== undefined ? level.ttftOverheadMs.p50 <= target : undefined,
      baseline: `direct TTFT ${ms(baseline.p50)}`,
      ratio: times(server.p50 / baseline.p50),
    });
    rows.push({
      figure: `TTFT overhead p95 @${level.concurrency}`,
      measured: ms(level.ttftOverheadMs.p95),
      target: "—",
      baseline: `direct TTFT ${ms(baseline.p95)}`,
      ratio: times(server.p95 / baseline.p95),
    });
  }
  for (const level of levels) {
    rows.push({
      figure: `server CPU per token @${level.concurrency}`,
      measured: `${level.server.cpuPerTokenMs.toFixed(4)} ms`,
      target: "≤ 0.05 ms",
      met: level.server.cpuPerTokenMs <= 0.05,
      baseline: `fake ${level.fake.cpuPerTokenMs.toFixed(4)} ms`,
      ratio: times(level.server.cpuPerTokenMs / level.fake.cpuPerTokenMs),
    });
    rows.push({
      figure: "  = per turn + per further token",
      measured: `${ms(level.server.cpuPerShortTurnMs)} + ${level.server.marginalCpuPerTokenMs.toFixed(4)} ms`,
      target: "",
      baseline: "",
      ratio: "",
    });
  }
  for (const level of levels) {
    const top = level.concurrency === Math.max(...LEVELS);
    rows.push({
      figure: `server cores, ${level.concurrency} chats + subscribers`,
      measured: level.server.cores.toFixed(2),
      target: top ? "< 1 core" : "—",
      met: top ? level.server.cores < 1 : undefined,
      baseline: `fake ${level.fake.cores.toFixed(2)}`,
      ratio: times(level.server.cores / level.fake.cores),
    });
  }
  for (const level of levels) {
    rows.push({
      figure: `subscriber delay p50/p99 @${level.concurrency}`,
      measured: `${ms(level.subscribers.delayMs.p50)} / ${ms(level.subscribers.delayMs.p99)}`,
      target: "—",
      baseline: "",
      ratio: "",
    });
  }
  const fanoutTimes = (p: "p50" | "p99") => times(fanout.delayMs[p] / fanout.baselineDelayMs[p]);
  rows.push({
    figure: `fan-out delay p50, ${fanout.subscribers} subscribers`,
    measured: ms(fanout.delayMs.p50),
    target: "—",
    baseline: `direct ${ms(fanout.baselineDelayMs.p50)}`,
    ratio: fanoutTimes("p50"),
  });
  rows.push({
    figure: `fan-out delay p99, ${fanout.subscribers} subscribers`,
    measured: ms(fanout.delayMs.p99),
    target: "≤ 50 ms",
    met: fanout.delayMs.p99 <= 50,
    baseline: `direct ${ms(fanout.baselineDelayMs.p99)}`,
    ratio: fanoutTimes("p99"),
  });
  const writes = Math.max(...levels.map((l) => l.dbWritesPerTurn));
  const allowedWrites = 2 + Math.floor((TOKENS * TOKEN_DELAY_MS) / 1000);
  rows.push({
    figure: "DB writes per turn (worst level)",
    measured: writes.toFixed(2),
    target: `≤ ${allowedWrites} (start, end, 1/s)`,
    met: writes <= allowedWrites,
    baseline: `${TOKENS} if per token`,
    ratio: times(writes / TOKENS),
  });
  rows.push({ figure: "RSS at start (warmed up)", measured: mb(memory.startBytes), target: "—", baseline: "", ratio: "" });
  rows.push({ figure: "RSS peak during the run", measured: mb(memory.peakBytes), target: "—", baseline: "", ratio: times(memory.peakBytes / memory.startBytes) });
  rows.push({
    figure: "RSS after the run",
    measured: mb(memory.afterBytes),
    target: "≤ 1.2× start",
    met: memory.afterBytes <= 1.2 * memory.startBytes,
    baseline: "",
    ratio: times(memory.afterBytes / memory.startBytes),
  });
  return rows;
}

function formatTable(rows: Row[]): string {
  const header: Row = { figure: "figure", measured: "measured", target: "target", baseline: "baseline", ratio: "ratio" };
  const cells = (row: Row, isHeader = false) => [
    row.figure,
    row.measured,
    row.target,
    isHeader ? "ok" : row.met === undefined ? "" : row.met ? "yes" : "NO",
    row.baseline,
    row.ratio,
  ];
  const all = [cells(header, true), ...rows.map((row) => cells(row))];
  const widths = all[0].map((_, column) => Math.max(...all.map((line) => line[column].length)));
  const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column])).join("  ").trimEnd();
  return [line(all[0]), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

interface MemoryResult {
  startBytes: number;
  peakBytes: number;
  afterBytes: number;
  /** VmHWM: the peak since the process started, including its own start-up. */
  processPeakBytes: number;
  settle: { waitedMs: number; bufferedInvocations: number; method: string };
}

// --- main --------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  // V8 writes one profile per thread (tsx's module hooks run on one of their own), named
  // CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile; the main thread's id is 0.
  const profileDir = path.join(RESULTS_DIR, "profiles", stamp);
  fs.mkdirSync(args.profile ? profileDir : RESULTS_DIR, { recursive: true });

  const fake = await startFakeProcess();
  const workers = range(Math.max(1, FANOUT_WORKERS)).map(() => new SubscriberWorker());
  let server: TestServer | undefined;
  try {
    server = await startServer({
      env: { ENDPOINT_FAKE_URL: fake.baseUrl, ENDPOINT_FAKE_KEY: "x", SEED_DEFAULT_AGENTS: "false", LOG_LEVEL: "warn" },
      nodeArgs: [
        "--expose-gc",
        "--import",
        pathToFileURL(path.join(ROOT, "bench", "gc-on-signal.ts")).href,
        ...(args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
        ...args["server-node-args"].split(" ").filter(Boolean),
      ],
    });
    const agent = await postJson(`${server.url}/api/agents`, {
      name: "Bench",
      provider: "openai-compatible",
      endpoint: "fake",
      model: "fake-model",
      systemPrompt: SYSTEM_PROMPT,
    });
    const bench: Bench = {
      fake,
      server,
      agentId: agent.id,
      serverAgent: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
      providerAgent: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
    };

    // Warm-up: load the route modules, the provider SDK and the hub's paths once, so "start"
    // is the server as it runs, not as it boots.
    await setScript(bench, 20, 1);
    for (const _ of range(3)) await Promise.all([invokeTurn(bench), directTurn(bench)]);
    await metrics(bench);
    const startBytes = memoryOf(server.pid).rssBytes;
    let peakBytes = startBytes;
    const sampler = setInterval(() => {
      peakBytes = Math.max(peakBytes, memoryOf(server!.pid).rssBytes);
    }, 100);

    const loadFromUs = monotonicMicros();
    const levels: LevelResult[] = [];
    for (const concurrency of LEVELS) levels.push(await runLevel(bench, workers[0], concurrency));
    const fanout = await runFanout(bench, workers);
    const loadToUs = monotonicMicros();
    clearInterval(sampler);
    peakBytes = Math.max(peakBytes, memoryOf(server.pid).rssBytes);

    log(args.quick ? "settling: full GC" : `settling: waiting up to ${REPLAY_RETENTION_MS / 1000} s for replay buffers to expire, then a full GC`);
    const settled = await settle(bench);
    const { rssBytes: afterBytes, peakRssBytes: processPeakBytes } = memoryOf(server.pid);
    const memory: MemoryResult = {
      startBytes,
      peakBytes,
      afterBytes,
      processPeakBytes,
      settle: {
        ...settled,
        method: args.quick ? "full GC (SIGUSR2 → gc())" : "replay buffers expired (retention), then full GC (SIGUSR2 → gc())",
      },
    };

    const serverPid = server.pid;
    await server.stop();
    // Only the samples taken while the levels and the fan-out ran.
    let profile: { file: string; window: { fromUs: number; toUs: number }; busyMs: number; top: ProfileItem[]; areas: ProfileSummary["areas"] } | undefined;
    if (args.profile) {
      const name = fs.readdirSync(profileDir).find((f) => f.includes(`.${serverPid}.0.`));
      if (!name) throw new Error(`no main-thread profile of ${serverPid} in ${profileDir}`);
      const file = path.join(profileDir, name);
      const summary = summarizeProfile(file, 20, { fromUs: loadFromUs, toUs: loadToUs });
      profile = { file: path.relative(ROOT, file), window: { fromUs: loadFromUs, toUs: loadToUs }, busyMs: summary.busyMs, top: summary.items, areas: summary.areas };
      console.log(`\nServer CPU profile (${path.relative(ROOT, file)}):\n${formatProfile(summary)}`);
    }

    const rows = rowsOf(levels, fanout, memory);
    const problems = [
      ...levels.filter((l) => l.failedTurns || l.missingTokens || l.subscribers.incomplete).map((l) => `level ${l.concurrency}: ${l.failedTurns} failed turns, ${l.missingTokens} tokens missing, ${l.subscribers.incomplete} subscribers incomplete`),
      ...(fanout.tokensReceived !== fanout.tokensExpected || fanout.incompleteSubscribers
        ? [`fan-out: ${fanout.tokensReceived}/${fanout.tokensExpected} tokens, ${fanout.incompleteSubscribers} subscribers incomplete`]
        : []),
    ];
    console.log(
      `\nAgent Nexus benchmark${args.label ? ` (${args.label})` : ""}, ${startedAt.toISOString()}, ` +
        `${TOKENS} tokens per turn every ${TOKEN_DELAY_MS} ms (fan-out every ${FANOUT_TOKEN_DELAY_MS} ms), production build, Node ${process.version}\n`,
    );
    console.log(formatTable(rows));
    console.log(`\nRSS after: ${memory.settle.method}; waited ${(settled.waitedMs / 1000).toFixed(0)} s.`);
    for (const problem of problems) console.log(`WARNING ${problem}`);

    const result = {
      label: args.label || undefined,
      startedAt: startedAt.toISOString(),
      node: process.version,
      config: { tokens: TOKENS, tokenDelayMs: TOKEN_DELAY_MS, levels: LEVELS, fanout: FANOUT, fanoutTokenDelayMs: FANOUT_TOKEN_DELAY_MS, fanoutWorkers: workers.length, profile: args.profile },
      levels,
      fanout: { ...fanout },
      memory,
      profile,
      problems,
      table: rows,
    };
    const file = path.join(RESULTS_DIR, `bench-${stamp}${args.label ? `-${args.label}` : ""}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    fs.copyFileSync(file, path.join(RESULTS_DIR, "latest.json"));
    console.log(`\nJSON: ${path.relative(ROOT, file)}`);
  } catch (err) {
    if (server) console.error(`server log (tail):\n${server.logs().slice(-3000)}`);
    throw err;
  } finally {
    for (const worker of workers) worker.exit();
    await server?.kill().catch(() => {});
    fake.child.kill("SIGTERM");
  }
}

// Keep-alive sockets and the forked workers would hold the process open.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
