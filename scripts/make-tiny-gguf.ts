// Writes a tiny but valid llama-architecture GGUF with random weights: 2 layers, 64 wide,
// a byte-level tokenizer of a few hundred tokens and a ChatML chat template (~500 KB).
// Tests use it to run the embedded provider for real without downloading a model; it
// also lets a developer try the `local` provider offline:
//   npx tsx scripts/make-tiny-gguf.ts models/tiny-random.gguf
//
// The weights are random, but shaped so that the model never picks a special token:
// every token embedding carries a constant 1 in dimension 0, no layer writes to that
// dimension, and the output rows of the special tokens are strongly negative there. So
// generation never ends by itself (no early end-of-sequence) and stops only at maxTokens
// or on abort, which is what tests of streaming and cancellation need.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_GGUF_ALIGNMENT, GGUF_MAGIC, GgufValueType } from "@/lib/agents/local/gguf";

/** 2 layers, 64 wide: about 480 KB in F32. */
export const TINY_SHAPE = { embedding: 64, layers: 2, heads: 4, kvHeads: 4, feedForward: 128, fillerTokens: 0 };
/** The shape of Qwen2.5 0.5B (151,936 tokens), for speed and memory measurements only. */
export const HALF_BILLION_SHAPE = { embedding: 896, layers: 24, heads: 14, kvHeads: 2, feedForward: 4864, fillerTokens: 151_637 };
const SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
/** A few common English letter pairs, so the tokenizer has real merges. */
const MERGE_PAIRS = [
  "Ġ t", "h e", "i n", "e r", "a n", "Ġ a", "o n", "r e", "Ġ s", "e n", "a t", "o r", "Ġ w", "Ġ o",
  "e s", "Ġ b", "i s", "Ġ c", "e d", "i t", "Ġ f", "a r", "Ġ p", "Ġ m", "a l", "o u", "l e", "Ġ d",
  "i c", "Ġ h", "s t", "r o", "Ġ i", "a s", "l l", "o m", "n d", "c h", "Ġ l", "o w",
];

export interface TinyGgufOptions {
  /** Metadata keys to leave out, to produce a file that fails validation. */
  omitKeys?: string[];
  /** Seed of the weight generator; the same seed writes the same bytes. */
  seed?: number;
  contextLength?: number;
  /** Bigger shapes make random models of realistic size for speed measurements. */
  shape?: typeof TINY_SHAPE;
  /** Q8_0 keeps a realistic-size model realistic in bytes; norms stay F32 either way. */
  weightType?: "f32" | "q8_0";
}

/** GPT-2's byte-to-character table: every byte becomes one printable character. */
function byteTokens(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
}

/** mulberry32: small, seedable, good enough for random weights. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type MetadataValue =
  | { type: "string"; value: string }
  | { type: "u32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "strings"; value: string[] }
  | { type: "i32s"; value: number[] };

class GgufWriter {
  private readonly parts: Buffer[] = [];

  private push(buffer: Buffer): void {
    this.parts.push(buffer);
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  metadata(key: string, entry: MetadataValue): void {
    this.string(key);
    switch (entry.type) {
      case "string":
        this.u32(GgufValueType.STRING);
        this.string(entry.value);
        break;
      case "u32":
        this.u32(GgufValueType.UINT32);
        this.u32(entry.value);
        break;
      case "f32": {
        this.u32(GgufValueType.FLOAT32);
        const b = Buffer.alloc(4);
        b.writeFloatLE(entry.value);
        this.push(b);
        break;
      }
      case "bool":
        this.u32(GgufValueType.BOOL);
        this.push(Buffer.from([entry.value ? 1 : 0]));
        break;
      case "strings":
        this.u32(GgufValueType.ARRAY);
        this.u32(GgufValueType.STRING);
        this.u64(entry.value.length);
        for (const s of entry.value) this.string(s);
        break;
      case "i32s": {
        this.u32(GgufValueType.ARRAY);
        this.u32(GgufValueType.INT32);
        this.u64(entry.value.length);
        const b = Buffer.alloc(4 * entry.value.length);
        entry.value.forEach((v, i) => b.writeInt32LE(v, 4 * i));
        this.push(b);
        break;
      }
    }
  }
  padTo(alignment: number): void {
    const length = this.length();
    const padding = (alignment - (length % alignment)) % alignment;
    if (padding) this.push(Buffer.alloc(padding));
  }
  raw(buffer: Buffer): void {
    this.push(buffer);
  }
  length(): number {
    return this.parts.reduce((sum, part) => sum + part.length, 0);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

interface Tensor {
  name: string;
  /** ggml order: dims[0] is the contiguous (input) dimension. */
  dims: number[];
  data: Float32Array;
  /** Matrices may be quantized; norm vectors are always F32. */
  quantizable: boolean;
}

const GGML_F32 = 0;
const GGML_Q8_0 = 8;

/** IEEE half precision, round to nearest; enough for Q8_0 block scales. */
function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | Math.round(mantissa / 0x2000);
}

/** Q8_0: blocks of 32 values as one f16 scale and 32 signed bytes. */
function quantizeQ8(data: Float32Array): Buffer {
  const blocks = data.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let b = 0; b < blocks; b++) {
    let max = 0;
    for (let i = 0; i < 32; i++) max = Math.max(max, Math.abs(data[b * 32 + i]));
    const scale = max / 127;
    out.writeUInt16LE(toHalf(scale), b * 34);
    for (let i = 0; i < 32; i++) out.writeInt8(scale ? Math.round(data[b * 32 + i] / scale) : 0, b * 34 + 2 + i);
  }
  return out;
}

/** The bytes of a tiny random llama GGUF. */
export function buildTinyGguf(options: TinyGgufOptions = {}): Buffer {
  const shape = options.shape ?? TINY_SHAPE;
  const width = shape.embedding;
  const headSize = width / shape.heads;
  const random = randomSource(options.seed ?? 7);
  const gaussian = (scale: number) => {
    const u = Math.max(random(), 1e-12);
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };

  const bytes = byteTokens();
  const merged = MERGE_PAIRS.map((pair) => pair.replace(" ", ""));
  const fillers = Array.from({ length: shape.fillerTokens }, (_, i) => `<filler-${i}>`);
  const tokens = [...bytes, ...merged, ...fillers, ...SPECIAL_TOKENS];
  const vocabulary = tokens.length;
  const firstSpecial = vocabulary - SPECIAL_TOKENS.length;
  const tokenTypes = tokens.map((_, id) => (id >= firstSpecial ? 3 : 1)); // 3 = control, 1 = normal

  const matrix = (name: string, input: number, output: number, scale: number, zeroOutputRow0 = false): Tensor => {
    const data = new Float32Array(input * output);
    for (let i = 0; i < data.length; i++) data[i] = gaussian(scale);
    if (zeroOutputRow0) data.fill(0, 0, input); // this layer never writes dimension 0
    return { name, dims: [input, output], data, quantizable: true };
  };
  const ones = (name: string): Tensor => ({ name, dims: [width], data: new Float32Array(width).fill(1), quantizable: false });

  const embeddings = matrix("token_embd.weight", width, vocabulary, 0.05);
  for (let token = 0; token < vocabulary; token++) embeddings.data[token * width] = 1;
  const output = matrix("output.weight", width, vocabulary, 1);
  for (let token = 0; token < vocabulary; token++) output.data[token * width] = token >= firstSpecial ? -50 : 0;

  const tensors: Tensor[] = [embeddings, ones("output_norm.weight"), output];
  for (let layer = 0; layer < shape.layers; layer++) {
    const p = `blk.${layer}`;
    tensors.push(
      ones(`${p}.attn_norm.weight`),
      matrix(`${p}.attn_q.weight`, width, width, 0.1),
      matrix(`${p}.attn_k.weight`, width, shape.kvHeads * headSize, 0.1),
      matrix(`${p}.attn_v.weight`, width, shape.kvHeads * headSize, 0.1),
      matrix(`${p}.attn_output.weight`, width, width, 0.1, true),
      ones(`${p}.ffn_norm.weight`),
      matrix(`${p}.ffn_gate.weight`, width, shape.feedForward, 0.1),
      matrix(`${p}.ffn_up.weight`, width, shape.feedForward, 0.1),
      matrix(`${p}.ffn_down.weight`, shape.feedForward, width, 0.1, true),
    );
  }
  const quantized = options.weightType === "q8_0";
  const encoded = tensors.map((tensor) => {
    const q8 = quantized && tensor.quantizable;
    const data = q8 ? quantizeQ8(tensor.data) : Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    return { ...tensor, type: q8 ? GGML_Q8_0 : GGML_F32, bytes: data };
  });

  const metadata: [string, MetadataValue][] = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "tiny-random-llama" }],
    ["general.file_type", { type: "u32", value: quantized ? 7 : 0 }], // MOSTLY_Q8_0 or ALL_F32
    ["llama.context_length", { type: "u32", value: options.contextLength ?? 2048 }],
    ["llama.embedding_length", { type: "u32", value: width }],
    ["llama.block_count", { type: "u32", value: shape.layers }],
    ["llama.feed_forward_length", { type: "u32", value: shape.feedForward }],
    ["llama.attention.head_count", { type: "u32", value: shape.heads }],
    ["llama.attention.head_count_kv", { type: "u32", value: shape.kvHeads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["llama.rope.dimension_count", { type: "u32", value: headSize }],
    ["tokenizer.ggml.model", { type: "string", value: "gpt2" }],
    ["tokenizer.ggml.pre", { type: "string", value: "default" }],
    ["tokenizer.ggml.tokens", { type: "strings", value: tokens }],
    ["tokenizer.ggml.token_type", { type: "i32s", value: tokenTypes }],
    ["tokenizer.ggml.merges", { type: "strings", value: MERGE_PAIRS }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: firstSpecial }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: firstSpecial + 2 }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: false }],
    ["tokenizer.chat_template", { type: "string", value: CHATML_TEMPLATE }],
  ];
  const omitted = new Set(options.omitKeys ?? []);
  const kept = metadata.filter(([key]) => !omitted.has(key));

  const writer = new GgufWriter();
  writer.u32(GGUF_MAGIC);
  writer.u32(3);
  writer.u64(tensors.length);
  writer.u64(kept.length);
  for (const [key, value] of kept) writer.metadata(key, value);

  let offset = 0;
  for (const tensor of encoded) {
    writer.string(tensor.name);
    writer.u32(tensor.dims.length);
    for (const dim of tensor.dims) writer.u64(dim);
    writer.u32(tensor.type);
    writer.u64(offset);
    offset += Math.ceil(tensor.bytes.length / DEFAULT_GGUF_ALIGNMENT) * DEFAULT_GGUF_ALIGNMENT;
  }
  for (const tensor of encoded) {
    writer.padTo(DEFAULT_GGUF_ALIGNMENT);
    writer.raw(tensor.bytes);
  }
  return writer.toBuffer();
}

/** Writes the tiny model to `filePath`; returns its size in bytes. */
export async function writeTinyGguf(filePath: string, options: TinyGgufOptions = {}): Promise<number> {
  const bytes = buildTinyGguf(options);
  await writeFile(filePath, bytes);
  return bytes.length;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const target = process.argv[2] ?? path.join("models", "tiny-random.gguf");
  const size = await writeTinyGguf(target);
  console.log(`Wrote ${target} (${(size / 1024).toFixed(0)} KB): a random-weight test model, not a useful assistant.`);
}
