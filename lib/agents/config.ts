// Provider settings, read from the environment at the moment they are needed (never at
// import), so a missing key is reported when an agent runs, naming the variable to set.
// Keys live only here and in the provider that uses them; nothing returned for display
// (listProviderStatus) ever carries one.
import { getEnv } from "@/lib/env";
import { PROVIDER_IDS, type ProviderId } from "@/lib/agents/types";

export interface ProviderSettings {
  provider: ProviderId;
  /** openai-compatible only: the endpoint name, lower case. */
  endpoint?: string;
  /** How people call this provider in messages: "OpenAI", "OpenAI-compatible endpoint deepseek". */
  label: string;
  /** Base URL the SDK talks to (as the vendor's SDK expects it), or "" when not configured. */
  baseUrl: string;
  /** Only ever sent to baseUrl. */
  apiKey?: string;
  /** Variable that holds the key, for messages ("OPENAI_API_KEY"). */
  keyEnvVar?: string;
  configured: boolean;
  /** The variable to set when not configured. */
  missingEnvVar?: string;
  /** Why it is not configured, in words a person can act on. */
  problem?: string;
}

export interface ProviderStatusEntry {
  id: ProviderId;
  label: string;
  endpoint?: string;
  configured: boolean;
  missingEnvVar?: string;
  problem?: string;
  /** Host (and port) of the base URL, for display; never a path, query or credentials. */
  baseUrlHost?: string;
}

export interface RunSettings {
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  maxRetries: number;
}

const LABELS: Record<Exclude<ProviderId, "openai-compatible">, string> = {
  openai: "OpenAI",
  gemini: "Google Gemini",
  ollama: "Ollama",
  anthropic: "Anthropic",
  local: "Local model",
};

export const DEFAULT_BASE_URLS = {
  openai: "https://api.openai.com/v1",
  gemini: "https://generativelanguage.googleapis.com",
  ollama: "http://127.0.0.1:11434",
  anthropic: "https://api.anthropic.com",
} as const;

const ENDPOINT_URL_VAR = /^ENDPOINT_([A-Z0-9_]+)_URL$/;

/** A variable's value, with blank treated as unset (as lib/env.ts does). */
function readVar(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** The environment variable prefix of an endpoint name: "deepseek" -> "ENDPOINT_DEEPSEEK". */
export function endpointVarPrefix(endpoint: string): string {
  return `ENDPOINT_${endpoint.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** Names of the operator-declared OpenAI-compatible endpoints, lower case, sorted. */
export function declaredEndpoints(): string[] {
  const names = new Set<string>();
  for (const [name, value] of Object.entries(process.env)) {
    const match = ENDPOINT_URL_VAR.exec(name);
    if (match && value?.trim()) names.add(match[1].toLowerCase());
  }
  return [...names].sort();
}

/** Settings for one provider (and endpoint); never throws, `configured` says whether it can run. */
export function providerSettings(target: { provider: ProviderId; endpoint?: string | null }): ProviderSettings {
  switch (target.provider) {
    case "openai":
      return keyedSettings("openai", ["OPENAI_API_KEY"], "OPENAI_BASE_URL");
    case "gemini":
      return keyedSettings("gemini", ["GOOGLE_API_KEY", "GEMINI_API_KEY"], "GEMINI_BASE_URL");
    case "anthropic":
      return keyedSettings("anthropic", ["ANTHROPIC_API_KEY"], "ANTHROPIC_BASE_URL");
    case "ollama":
      return ollamaSettings();
    case "openai-compatible":
      return compatibleSettings(target.endpoint ?? undefined);
    case "local":
      return { provider: "local", label: LABELS.local, baseUrl: "", configured: true };
  }
}

function keyedSettings(
  provider: "openai" | "gemini" | "anthropic",
  keyVars: string[],
  baseUrlVar: string,
): ProviderSettings {
  const label = LABELS[provider];
  const keyEnvVar = keyVars.find((name) => readVar(name)) ?? keyVars[0];
  const apiKey = readVar(keyEnvVar);
  const baseUrl = readVar(baseUrlVar) ?? DEFAULT_BASE_URLS[provider];
  const base = { provider, label, keyEnvVar };
  if (!isHttpUrl(baseUrl)) {
    return { ...base, baseUrl: "", configured: false, missingEnvVar: baseUrlVar, problem: `${baseUrlVar} is not a valid http(s) URL.` };
  }
  if (!apiKey) {
    const names = keyVars.length > 1 ? `${keyVars[0]} (or ${keyVars.slice(1).join(", ")})` : keyVars[0];
    return { ...base, baseUrl, configured: false, missingEnvVar: keyVars[0], problem: `${names} is not set.` };
  }
  return { ...base, baseUrl, apiKey, configured: true };
}

function ollamaSettings(): ProviderSettings {
  const raw = readVar("OLLAMA_HOST") ?? DEFAULT_BASE_URLS.ollama;
  // The ollama SDK accepts "host:port" without a scheme; so do we.
  const baseUrl = raw.includes("://") ? raw : `http://${raw}`;
  if (!isHttpUrl(baseUrl)) {
    return {
      provider: "ollama",
      label: LABELS.ollama,
      baseUrl: "",
      configured: false,
      missingEnvVar: "OLLAMA_HOST",
      problem: "OLLAMA_HOST is not a valid http(s) URL.",
    };
  }
  return { provider: "ollama", label: LABELS.ollama, baseUrl: baseUrl.replace(/\/+$/, ""), configured: true };
}

function compatibleSettings(endpoint: string | undefined): ProviderSettings {
  if (!endpoint) {
    return {
      provider: "openai-compatible",
      label: "OpenAI-compatible endpoint",
      baseUrl: "",
      configured: false,
      missingEnvVar: "ENDPOINT_<NAME>_URL",
      problem: "The agent names no endpoint; declare one with ENDPOINT_<NAME>_URL and set the agent's endpoint to <name>.",
    };
  }
  const name = endpoint.toLowerCase();
  const prefix = endpointVarPrefix(name);
  const urlVar = `${prefix}_URL`;
  const keyVar = `${prefix}_KEY`;
  const label = `OpenAI-compatible endpoint ${name}`;
  const baseUrl = readVar(urlVar);
  const base = { provider: "openai-compatible" as const, endpoint: name, label, keyEnvVar: keyVar };
  if (!baseUrl) {
    return { ...base, baseUrl: "", configured: false, missingEnvVar: urlVar, problem: `${urlVar} is not set.` };
  }
  if (!isHttpUrl(baseUrl)) {
    return { ...base, baseUrl: "", configured: false, missingEnvVar: urlVar, problem: `${urlVar} is not a valid http(s) URL.` };
  }
  const apiKey = readVar(keyVar);
  return { ...base, baseUrl, configured: true, ...(apiKey ? { apiKey } : {}) };
}

/** A URL as it may appear in messages: no credentials, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "(invalid URL)";
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** One entry per provider (and per declared openai-compatible endpoint), for GET /api/providers. */
export function listProviderStatus(): ProviderStatusEntry[] {
  const entries: ProviderStatusEntry[] = [];
  for (const id of PROVIDER_IDS) {
    if (id === "openai-compatible") {
      const endpoints = declaredEndpoints();
      if (endpoints.length === 0) entries.push(statusEntry(providerSettings({ provider: id })));
      for (const endpoint of endpoints) entries.push(statusEntry(providerSettings({ provider: id, endpoint })));
    } else {
      entries.push(statusEntry(providerSettings({ provider: id })));
    }
  }
  return entries;
}

function statusEntry(settings: ProviderSettings): ProviderStatusEntry {
  const host = settings.baseUrl ? hostOf(settings.baseUrl) : undefined;
  return {
    id: settings.provider,
    label: settings.label,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    configured: settings.configured,
    ...(settings.missingEnvVar && !settings.configured ? { missingEnvVar: settings.missingEnvVar } : {}),
    ...(settings.problem ? { problem: settings.problem } : {}),
    ...(host ? { baseUrlHost: host } : {}),
  };
}

const KEY_VARS = /^(OPENAI_API_KEY|OPENAI_ADMIN_KEY|GOOGLE_API_KEY|GEMINI_API_KEY|ANTHROPIC_API_KEY|ANTHROPIC_AUTH_TOKEN|OLLAMA_API_KEY|ENDPOINT_[A-Z0-9_]+_KEY)$/;
/** "Name: value" lines the SDKs add to requests by themselves; the values may be tokens. */
const CUSTOM_HEADER_VARS = /^(OPENAI_CUSTOM_HEADERS|ANTHROPIC_CUSTOM_HEADERS)$/;

/** Every configured key (and custom header value), so messages and logs can be scrubbed of them. */
export function configuredSecrets(): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(process.env)) {
    if (!value) continue;
    if (KEY_VARS.test(name)) secrets.push(value.trim());
    if (CUSTOM_HEADER_VARS.test(name)) {
      for (const line of value.split("\n")) secrets.push(line.slice(line.indexOf(":") + 1).trim());
    }
  }
  // Very short values would blank out ordinary words.
  return secrets.filter((secret) => secret.length >= 6);
}

/** Timeouts and retry bound for streamAgent (lib/env.ts, checked at start). */
export function runSettings(): RunSettings {
  const env = getEnv();
  return {
    firstTokenTimeoutMs: env.PROVIDER_FIRST_TOKEN_TIMEOUT_MS,
    idleTimeoutMs: env.PROVIDER_IDLE_TIMEOUT_MS,
    maxRetries: env.PROVIDER_MAX_RETRIES,
  };
}
