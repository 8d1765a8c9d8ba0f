// Decides whether a GGUF file is safe to hand to llama.cpp: a readable header (gguf.ts)
// plus the metadata its loader needs for the architecture. Missing hyper-parameters or a
// zero head count can crash the native loader instead of raising an error.
import { GgufFormatError, readGgufHeader, type GgufArray, type GgufHeader, type GgufValue } from "@/lib/agents/local/gguf";

// Which norm epsilon each architecture's loader insists on, read from the loaders of the
// llama.cpp release node-llama-cpp ships. Architectures in neither list get the common checks.
const RMS_NORM_ARCHITECTURES = new Set([
  "llama", "llama4", "mistral3", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "gemma", "gemma2", "gemma3",
  "phi3", "granite", "olmo2", "smollm3", "exaone", "exaone4", "deepseek", "deepseek2", "internlm2",
  "minicpm", "minicpm3", "lfm2", "baichuan", "chatglm", "glm4", "arcee", "apertus",
]);
const LAYER_NORM_ARCHITECTURES = new Set([
  "gpt2", "phi2", "stablelm", "falcon", "gptneox", "bloom", "mpt", "starcoder", "orion", "cohere2",
]);

export interface LocalModelSummary {
  architecture: string;
  /** general.name when the file has one. */
  name?: string;
  contextLength: number;
  embeddingLength: number;
  blockCount: number;
  vocabularySize: number;
  hasChatTemplate: boolean;
  fileSize: number;
}

function positiveInteger(header: GgufHeader, key: string): number {
  const value = header.metadata.get(key);
  const n = typeof value === "bigint" ? Number(value) : value;
  if (n === undefined) throw new GgufFormatError(`required metadata ${key} is missing`);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new GgufFormatError(`metadata ${key} must be a positive integer (found ${String(value)})`);
  }
  return n;
}

/** A key that is either one positive integer or one per layer (llama.cpp accepts both). */
function positivePerLayer(header: GgufHeader, key: string): void {
  const value = header.metadata.get(key);
  if (isArray(value)) {
    if (value.length < 1) throw new GgufFormatError(`metadata ${key} is an empty array`);
    return;
  }
  positiveInteger(header, key);
}

function positiveFloat(header: GgufHeader, key: string): void {
  const value = header.metadata.get(key);
  if (value === undefined) throw new GgufFormatError(`required metadata ${key} is missing`);
  if (typeof value !== "number" || !(value > 0)) throw new GgufFormatError(`metadata ${key} must be a positive number`);
}

function isArray(value: GgufValue | undefined): value is GgufArray {
  return typeof value === "object" && value !== null && "length" in value;
}

function tokenId(header: GgufHeader, key: string, vocabularySize: number): void {
  const value = header.metadata.get(key);
  if (value === undefined) return;
  const id = typeof value === "bigint" ? Number(value) : value;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= vocabularySize) {
    throw new GgufFormatError(`${key} is ${String(value)}, outside the vocabulary of ${vocabularySize} tokens`);
  }
}

/** Checks metadata a loader would dereference; returns what the provider shows about the model. */
export function checkModelMetadata(header: GgufHeader): LocalModelSummary {
  const architecture = header.metadata.get("general.architecture");
  if (typeof architecture !== "string" || architecture === "") {
    throw new GgufFormatError("required metadata general.architecture is missing");
  }
  const contextLength = positiveInteger(header, `${architecture}.context_length`);
  const embeddingLength = positiveInteger(header, `${architecture}.embedding_length`);
  const blockCount = positiveInteger(header, `${architecture}.block_count`);

  const normFamily = RMS_NORM_ARCHITECTURES.has(architecture) ? "rms" : LAYER_NORM_ARCHITECTURES.has(architecture) ? "ln" : undefined;
  if (normFamily) {
    positivePerLayer(header, `${architecture}.feed_forward_length`);
    positivePerLayer(header, `${architecture}.attention.head_count`);
    positiveFloat(header, `${architecture}.attention.${normFamily === "rms" ? "layer_norm_rms_epsilon" : "layer_norm_epsilon"}`);
  }

  const tokenizerModel = header.metadata.get("tokenizer.ggml.model");
  if (typeof tokenizerModel !== "string" || tokenizerModel === "") {
    throw new GgufFormatError("required metadata tokenizer.ggml.model is missing");
  }
  let vocabularySize = 0;
  if (tokenizerModel !== "none") {
    const tokens = header.metadata.get("tokenizer.ggml.tokens");
    if (!isArray(tokens) || tokens.length < 1) throw new GgufFormatError("required metadata tokenizer.ggml.tokens is missing or empty");
    vocabularySize = tokens.length;
    if (tokenizerModel === "gpt2" && !isArray(header.metadata.get("tokenizer.ggml.merges"))) {
      throw new GgufFormatError("a byte-level (gpt2) tokenizer needs tokenizer.ggml.merges, which is missing");
    }
    for (const key of ["tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.padding_token_id"]) {
      tokenId(header, key, vocabularySize);
    }
  }

  const embeddings = header.tensors.find((t) => t.name === "token_embd.weight");
  if (normFamily && !embeddings) throw new GgufFormatError("the tensor token_embd.weight is missing");
  if (embeddings && vocabularySize > 0 && embeddings.dims[1] !== vocabularySize) {
    throw new GgufFormatError(
      `token_embd.weight has ${embeddings.dims[1]} rows but the tokenizer has ${vocabularySize} tokens`,
    );
  }

  const name = header.metadata.get("general.name");
  return {
    architecture,
    ...(typeof name === "string" && name ? { name } : {}),
    contextLength,
    embeddingLength,
    blockCount,
    vocabularySize,
    hasChatTemplate: typeof header.metadata.get("tokenizer.chat_template") === "string",
    fileSize: header.fileSize,
  };
}

/** Reads and checks a model file; throws GgufFormatError (or a filesystem error) when unusable. */
export async function checkModelFile(filePath: string): Promise<LocalModelSummary> {
  return checkModelMetadata(await readGgufHeader(filePath));
}
