// Fake vendor servers for tests, e2e runs and benchmarks. Each speaks one vendor's wire
// format on 127.0.0.1 so the real SDKs run against it:
//
//   const fake = await startFakeOpenAI({ script: { text: "Hi there", tokenDelayMs: 5 } });
//   process.env[fake.baseUrlEnvVar] = fake.baseUrl;      // OPENAI_BASE_URL=http://127.0.0.1:<port>/v1
//   ... run the provider ...
//   fake.chatRequests()[0].headers.authorization;         // every request is recorded
//   await fake.close();
//
// Kinds and the variable that points a provider at them:
//   startFakeOpenAI     OPENAI_BASE_URL or ENDPOINT_<NAME>_URL (baseUrl ends in /v1)
//   startFakeGemini     GEMINI_BASE_URL   startFakeOllama OLLAMA_HOST   startFakeAnthropic ANTHROPIC_BASE_URL
//
// Script (FakeScript, per chat request; pass an array for "first request fails, then ..."
// or a function of the request index): text / reasoning tokens, echo, usage, tokenDelayMs,
// firstByteDelayMs, drip {bytes, everyMs} (slow drip), finishReason, and `fault`:
//   unauthorized | rate-limit (Retry-After: retryAfterSeconds) | server-error | context-length
//   | hang (no byte ever) | cut | malformed | stall | stream-error (after faultAfterTokens tokens)
// `errorMessage` replaces the vendor's wording in an error answer (e.g. to echo a key back).
// Model lists answer by default; `modelListFault` (option or setModelListFault) makes them
// fail with unauthorized | server-error | hang. Connection refused: `await refusedUrl()`.
// Abort checks: `await fake.waitForClientClose()` resolves when a client closed its socket
// before the answer was complete (`request.clientClosedEarly`).
// Running as a separate process: tests/fakes/cli.ts. Control routes for such a process:
//   POST /__fake/script (a FakeScript or an array) and GET /__fake/requests.
import { startFakeAnthropic } from "@/tests/fakes/anthropic";
import type { FakeKind, FakeServer, FakeServerOptions } from "@/tests/fakes/fake-server";
import { startFakeGemini } from "@/tests/fakes/gemini";
import { startFakeOllama } from "@/tests/fakes/ollama";
import { startFakeOpenAI } from "@/tests/fakes/openai";

export { startFakeAnthropic, startFakeGemini, startFakeOllama, startFakeOpenAI };
export { DEFAULT_ANSWER, DEFAULT_MODELS, refusedUrl, splitTokens } from "@/tests/fakes/fake-server";
export type {
  FakeKind,
  FakeScript,
  FakeServer,
  FakeServerOptions,
  FaultMode,
  ModelListFault,
  RecordedRequest,
  ScriptSource,
} from "@/tests/fakes/fake-server";

export const FAKE_KINDS: readonly FakeKind[] = ["openai", "gemini", "ollama", "anthropic"];

export function startFake(kind: FakeKind, options?: FakeServerOptions): Promise<FakeServer> {
  switch (kind) {
    case "openai":
      return startFakeOpenAI(options);
    case "gemini":
      return startFakeGemini(options);
    case "ollama":
      return startFakeOllama(options);
    case "anthropic":
      return startFakeAnthropic(options);
  }
}
