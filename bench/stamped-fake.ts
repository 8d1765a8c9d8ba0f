// The benchmark's provider, run as its own process so its CPU and event loop are neither
// the server's nor the driver's: the OpenAI fake from tests/fakes, except that every answer
// token is the moment it was written, in microseconds of CLOCK_MONOTONIC
// (process.hrtime), a clock every process on the machine shares. A receiver subtracts it
// from its own arrival time to get that token's delivery delay without comparing clocks.
//
//   tsx bench/stamped-fake.ts   -> prints its base URL (…/v1) as the first stdout line
//
// The answer's length and pace are set per phase with POST /__fake/script.
import { startFakeServer, type Frame, type WireFormat } from "@/tests/fakes/fake-server";
import { openaiWire } from "@/tests/fakes/openai";
import { monotonicMicros } from "@/bench/clock";

/** A token frame whose content is stamped when the engine writes it (it reads `text` just before `res.write`). */
function stampedFrame(frame: Frame): Frame {
  const chunk = JSON.parse(frame.text.slice("data: ".length)) as { choices: { delta: { content?: string } }[] };
  return {
    token: true,
    get text() {
      chunk.choices[0].delta.content = ` ${monotonicMicros()}`;
      return `data: ${JSON.stringify(chunk)}\n\n`;
    },
  };
}

const stampedWire: WireFormat = {
  ...openaiWire,
  frames(ctx) {
    return openaiWire.frames(ctx).map((frame) => (frame.token && frame.text.includes('"content"') ? stampedFrame(frame) : frame));
  },
};

const fake = await startFakeServer(stampedWire, { script: { text: "ready" }, models: ["fake-model"] });
console.log(fake.baseUrl);

async function stop() {
  await fake.close();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
