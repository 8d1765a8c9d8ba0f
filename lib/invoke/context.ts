// Fits a conversation into the model's context window: the system prompt and the
// newest turns are kept, the oldest dropped. Counted with gpt-tokenizer (o200k), which
// is close enough for other vendors' tokenizers given the safety margin below.
import { countTokens } from "gpt-tokenizer";
import type { ChatMessage } from "@/lib/agents/types";
import { AppError } from "@/lib/http/errors";

/** Known context windows by model-name prefix; the longest matching prefix wins. */
const CONTEXT_WINDOWS: [prefix: string, tokens: number][] = [
  ["gpt-4.1", 1_047_576],
  ["gpt-4o", 128_000],
  ["gpt-4-turbo", 128_000],
  ["gpt-4", 8_192],
  ["gpt-5", 400_000],
  ["gpt-3.5", 16_385],
  ["o1", 200_000],
  ["o3", 200_000],
  ["o4", 200_000],
  ["claude", 200_000],
  ["gemini", 1_048_576],
  ["deepseek", 128_000],
  ["grok", 131_072],
  ["llama3", 8_192],
  ["llama3.1", 128_000],
  ["llama3.2", 128_000],
  ["llama3.3", 128_000],
  ["qwen2.5", 32_768],
  ["qwen3", 40_960],
  ["mistral", 32_768],
  ["phi", 4_096],
];
export const DEFAULT_CONTEXT_WINDOW = 8_192;
/** Per-message framing tokens (role markers) that chat formats add. */
const MESSAGE_OVERHEAD = 4;
/** Tokenizers differ between vendors; leave room for that. */
const SAFETY_MARGIN = 0.9;

export function contextWindowFor(model: string): number {
  const name = model.toLowerCase().replace(/^.*\//, "");
  let best: [string, number] | undefined;
  for (const entry of CONTEXT_WINDOWS) {
    if (name.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1] ?? DEFAULT_CONTEXT_WINDOW;
}

export function countMessageTokens(message: { content: string }): number {
  return countTextTokens(message.content) + MESSAGE_OVERHEAD;
}

/**
 * Token counts of recently seen texts. Every turn fits the whole history again, so without
 * this a conversation's old messages are re-tokenized on each turn, before the provider is
 * asked (2.6 ms for 20 turns of 100 tokens on the benchmark machine). Bounded in entries
 * and characters, least recently used first out.
 */
const tokenCounts = new Map<string, number>();
const TOKEN_CACHE_MAX_ENTRIES = 10_000;
const TOKEN_CACHE_MAX_CHARS = 8_000_000;
let tokenCacheChars = 0;

function countTextTokens(text: string): number {
  const cached = tokenCounts.get(text);
  if (cached !== undefined) {
    tokenCounts.delete(text);
    tokenCounts.set(text, cached);
    return cached;
  }
  const count = countTokens(text);
  if (text.length > TOKEN_CACHE_MAX_CHARS / 4) return count;
  tokenCounts.set(text, count);
  tokenCacheChars += text.length;
  for (const oldest of tokenCounts.keys()) {
    if (tokenCounts.size <= TOKEN_CACHE_MAX_ENTRIES && tokenCacheChars <= TOKEN_CACHE_MAX_CHARS) break;
    tokenCounts.delete(oldest);
    tokenCacheChars -= oldest.length;
  }
  return count;
}

export interface FittedContext {
  messages: ChatMessage[];
  /** Tokens of what is sent (system prompt included), by our count. */
  inputTokens: number;
  dropped: number;
}

/**
 * Keeps the newest messages that fit next to the system prompt and the reserved output.
 * Throws context_length_exceeded when not even the newest message fits.
 */
export function fitContext(input: {
  system: string;
  messages: ChatMessage[];
  model: string;
  maxOutputTokens: number;
  contextWindow?: number;
}): FittedContext {
  const window = input.contextWindow ?? contextWindowFor(input.model);
  const budget = Math.floor(window * SAFETY_MARGIN) - Math.min(input.maxOutputTokens, Math.floor(window / 2));
  let used = input.system ? countMessageTokens({ content: input.system }) : 0;
  const costs: number[] = [];
  let firstKept = input.messages.length;
  for (let index = input.messages.length - 1; index >= 0; index--) {
    const cost = countMessageTokens(input.messages[index]);
    if (used + cost > budget) break;
    used += cost;
    costs.unshift(cost);
    firstKept = index;
  }
  if (firstKept === input.messages.length && input.messages.length > 0) {
    throw new AppError(
      "context_length_exceeded",
      `The message is too long for ${input.model} (context window about ${window} tokens): shorten it or start a new conversation.`,
    );
  }
  const kept = input.messages.slice(firstKept);
  // Vendors want the conversation to start with a user turn.
  while (kept.length > 1 && kept[0].role !== "user") {
    kept.shift();
    used -= costs.shift()!;
  }
  return { messages: mergeSameRole(kept), inputTokens: used, dropped: input.messages.length - kept.length };
}

/** Joins consecutive same-role messages (a failed turn leaves two user messages in a row). */
function mergeSameRole(messages: ChatMessage[]): ChatMessage[] {
  const merged: ChatMessage[] = [];
  for (const message of messages) {
    const last = merged[merged.length - 1];
    if (last && last.role === message.role) last.content = `${last.content}\n\n${message.content}`;
    else merged.push({ ...message });
  }
  return merged;
}
