// Starts one fake vendor server as its own process, for e2e runs and benchmarks:
//
//   npx tsx tests/fakes/cli.ts <openai|gemini|ollama|anthropic> [--port 0] [--host 127.0.0.1]
//     [--answer "Hello from the fake."] [--tokens N] [--reasoning "..."] [--token-delay ms]
//     [--echo] [--fault <mode>]
//
// Prints the base URL (the value for OPENAI_BASE_URL, GEMINI_BASE_URL, OLLAMA_HOST or
// ANTHROPIC_BASE_URL) as the first stdout line, and runs until SIGINT/SIGTERM. `--tokens N`
// repeats the answer's words until there are N tokens. The script can be changed while it
// runs with POST /__fake/script.
import { parseArgs } from "node:util";
import { FAKE_KINDS, splitTokens, startFake, type FakeKind, type FakeScript, type FaultMode } from "@/tests/fakes/index";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    answer: { type: "string" },
    tokens: { type: "string" },
    reasoning: { type: "string" },
    "token-delay": { type: "string", default: "0" },
    echo: { type: "boolean", default: false },
    fault: { type: "string" },
  },
});

const kind = positionals[0] as FakeKind | undefined;
if (!kind || !FAKE_KINDS.includes(kind)) {
  console.error(`usage: tsx tests/fakes/cli.ts <${FAKE_KINDS.join("|")}> [--port N] [--answer text] [--tokens N] [--token-delay ms] [--reasoning text] [--echo] [--fault mode]`);
  process.exit(2);
}

function answerTokens(): string[] | string | undefined {
  if (!values.tokens) return values.answer;
  const count = Number(values.tokens);
  const words = splitTokens(values.answer ?? "lorem ipsum dolor sit amet consectetur adipiscing elit").map((w) => w.trim());
  return Array.from({ length: count }, (_, i) => (i === 0 ? "" : " ") + words[i % words.length]);
}

const script: FakeScript = {
  text: answerTokens(),
  reasoning: values.reasoning,
  echo: values.echo,
  tokenDelayMs: Number(values["token-delay"]),
  ...(values.fault ? { fault: values.fault as FaultMode } : {}),
};

const fake = await startFake(kind, { port: Number(values.port), host: values.host, script });
console.log(fake.baseUrl);
console.error(`fake ${kind} listening: ${fake.baseUrlEnvVar}=${fake.baseUrl}`);

async function stop() {
  await fake.close();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
