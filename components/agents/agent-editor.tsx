"use client";
// Create or edit an agent. Validates with the same zod schemas as the API
// (agentCreateSchema / agentPatchSchema), shows problems next to their fields, and offers the
// provider's model list while still taking any model name.
import { useEffect, useId, useMemo, useState, type ReactNode } from "react";
import { agentCreateSchema, agentPatchSchema } from "@/app/api/agents/schema";
import { AgentAvatar } from "@/components/agents/agent-avatar";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { IconButton } from "@/components/ui/icon-button";
import { PlusIcon, TrashIcon, WarningIcon } from "@/components/ui/icons";
import { PROVIDER_IDS } from "@/lib/agents/types";
import { api, ApiError } from "@/lib/client/api";
import { agentsChanged } from "@/lib/client/chat-controller";
import { providerName, providerStatusOf } from "@/lib/client/hooks";
import { useChatStore } from "@/lib/client/store";
import type { AgentDto, ModelInfo, ProviderId, ProviderStatusEntry } from "@/lib/client/types";

interface FallbackForm {
  provider: ProviderId;
  model: string;
  endpoint: string;
}

interface AgentForm {
  name: string;
  avatar: string;
  description: string;
  provider: ProviderId;
  endpoint: string;
  model: string;
  temperature: number;
  maxTokens: number;
  systemPrompt: string;
  fallbacks: FallbackForm[];
}

type FieldErrors = Record<string, string>;

const AVATARS = ["🤖", "🧠", "⚡", "🔎", "🧑‍💻", "✍️", "📊", "🦙", "🎨", "🧪"];
const NEW_AGENT: AgentForm = {
  name: "",
  avatar: "🤖",
  description: "",
  provider: "openai",
  endpoint: "",
  model: "",
  temperature: 0.7,
  maxTokens: 1024,
  systemPrompt: "",
  fallbacks: [],
};

function formOf(agent: AgentDto): AgentForm {
  return {
    name: agent.name,
    avatar: agent.avatar,
    description: agent.description,
    provider: agent.provider,
    endpoint: agent.endpoint ?? "",
    model: agent.model,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    systemPrompt: agent.systemPrompt,
    fallbacks: agent.fallbacks.map((fallback) => ({ provider: fallback.provider, model: fallback.model, endpoint: fallback.endpoint ?? "" })),
  };
}

const compatible = (provider: string) => provider === "openai-compatible";

/** The request body: endpoints only where the provider takes one. */
function bodyOf(form: AgentForm, mode: "create" | "edit") {
  return {
    name: form.name,
    avatar: form.avatar,
    description: form.description,
    provider: form.provider,
    model: form.model,
    temperature: form.temperature,
    maxTokens: form.maxTokens,
    systemPrompt: form.systemPrompt,
    ...(compatible(form.provider) ? { endpoint: form.endpoint } : mode === "edit" ? { endpoint: null } : {}),
    fallbacks: form.fallbacks.map((fallback) => ({
      provider: fallback.provider,
      model: fallback.model,
      ...(compatible(fallback.provider) ? { endpoint: fallback.endpoint } : {}),
    })),
  };
}

function fieldErrorsOf(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

export function AgentEditor({ agent, onClose }: { agent?: AgentDto; onClose: () => void }) {
  const mode = agent ? "edit" : "create";
  const [form, setForm] = useState<AgentForm>(() => (agent ? formOf(agent) : NEW_AGENT));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const providers = useChatStore((state) => state.providers);
  const set = <K extends keyof AgentForm>(key: K, value: AgentForm[K]) => setForm((current) => ({ ...current, [key]: value }));

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    const body = bodyOf(form, mode);
    const parsed = mode === "create" ? agentCreateSchema.safeParse(body) : agentPatchSchema.safeParse(body);
    if (!parsed.success) {
      setErrors(fieldErrorsOf(parsed.error.issues));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      if (agent) await api.updateAgent(agent.id, parsed.data);
      else await api.createAgent(parsed.data as Parameters<typeof api.createAgent>[0]);
      agentsChanged();
      onClose();
    } catch (err) {
      const details = err instanceof ApiError && Array.isArray(err.details) ? (err.details as { field?: string; message?: string }[]) : [];
      const fromServer: FieldErrors = {};
      for (const detail of details) if (detail.field && detail.message) fromServer[detail.field] ??= detail.message;
      setErrors({ ...fromServer, form: (err as Error).message });
      setSaving(false);
    }
  };

  return (
    <Dialog title={agent ? `Edit ${agent.name}` : "New agent"} description="Who the agent is, which model it runs on, and how it answers." onClose={onClose} wide testId="agent-editor">
      <form onSubmit={save} noValidate className="space-y-5 px-5 py-5">
        <div className="flex items-start gap-4">
          <AgentAvatar agent={{ name: form.name || "new", avatar: form.avatar }} size="lg" />
          <div className="grid min-w-0 flex-1 gap-4 sm:grid-cols-[1fr_8rem]">
            <Field label="Name" error={errors.name}>
              {(props) => <input {...props} className="field" value={form.name} maxLength={100} onChange={(e) => set("name", e.target.value)} autoFocus />}
            </Field>
            <Field label="Avatar" error={errors.avatar} hint="An emoji">
              {(props) => <input {...props} className="field" value={form.avatar} maxLength={64} onChange={(e) => set("avatar", e.target.value)} />}
            </Field>
          </div>
        </div>
        <div className="-mt-2 flex flex-wrap gap-1" role="group" aria-label="Suggested avatars">
          {AVATARS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-label={`Use ${emoji} as avatar`}
              aria-pressed={form.avatar === emoji}
              onClick={() => set("avatar", emoji)}
              className={`h-8 w-8 rounded-lg text-lg transition-colors ${form.avatar === emoji ? "bg-indigo-100 dark:bg-indigo-500/25" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
            >
              {emoji}
            </button>
          ))}
        </div>
        <Field label="Description" error={errors.description}>
          {(props) => <input {...props} className="field" value={form.description} maxLength={2000} onChange={(e) => set("description", e.target.value)} placeholder="What this agent is good at" />}
        </Field>

        <fieldset className="space-y-4 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
          <legend className="px-1 text-sm font-medium">Model</legend>
          <ModelTarget
            providers={providers}
            value={{ provider: form.provider, endpoint: form.endpoint, model: form.model }}
            onChange={(target) => setForm((current) => ({ ...current, ...target }))}
            errors={{ provider: errors.provider, endpoint: errors.endpoint, model: errors.model }}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Temperature" error={errors.temperature} hint="0 = focused, 2 = inventive">
              {(props) => (
                <div className="flex items-center gap-3">
                  <input
                    {...props}
                    type="range"
                    min={0}
                    max={2}
                    step={0.05}
                    value={form.temperature}
                    onChange={(e) => set("temperature", Number(e.target.value))}
                    className="h-2 flex-1 accent-indigo-600"
                  />
                  <output htmlFor={props.id} className="w-10 text-right font-mono text-sm tabular-nums">
                    {form.temperature.toFixed(2)}
                  </output>
                </div>
              )}
            </Field>
            <Field label="Max tokens" error={errors.maxTokens} hint="Longest answer, in tokens">
              {(props) => (
                <input
                  {...props}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  step={1}
                  className="field"
                  value={Number.isNaN(form.maxTokens) ? "" : form.maxTokens}
                  onChange={(e) => set("maxTokens", e.target.value === "" ? Number.NaN : Number(e.target.value))}
                />
              )}
            </Field>
          </div>
        </fieldset>

        <Field label="System prompt" error={errors.systemPrompt} hint="Instructions the agent follows in every conversation">
          {(props) => (
            <textarea {...props} className="field min-h-28 resize-y font-mono text-[13px] leading-relaxed" value={form.systemPrompt} maxLength={32_000} onChange={(e) => set("systemPrompt", e.target.value)} />
          )}
        </Field>

        <Fallbacks providers={providers} fallbacks={form.fallbacks} errors={errors} onChange={(fallbacks) => set("fallbacks", fallbacks)} />

        {errors.form ? (
          <p role="alert" className="flex items-start gap-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-500/10 dark:text-red-300">
            <WarningIcon size={16} className="mt-0.5 shrink-0" />
            {errors.form}
          </p>
        ) : Object.keys(errors).length ? (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            Some fields need attention.
          </p>
        ) : null}

        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-100 pt-4 dark:border-zinc-800">
          {agent ? (
            <button type="button" className="btn-secondary text-red-600 dark:text-red-400" onClick={() => setConfirmDelete(true)} data-testid="delete-agent">
              <TrashIcon size={16} />
              Delete agent
            </button>
          ) : (
            <span />
          )}
          <div className="flex gap-2">
            <button type="button" className="btn-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn-primary" disabled={saving} data-testid="save-agent">
              {saving ? "Saving…" : agent ? "Save changes" : "Create agent"}
            </button>
          </div>
        </div>
      </form>
      {confirmDelete && agent ? (
        <ConfirmDialog
          title={`Delete ${agent.name}?`}
          description="The agent disappears from the list. Its conversations stay and can still be read."
          confirmLabel="Delete agent"
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await api.deleteAgent(agent.id);
            agentsChanged();
            onClose();
          }}
        />
      ) : null}
    </Dialog>
  );
}

interface FieldControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby"?: string;
}

function Field({
  label,
  error,
  hint,
  context,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  /** Said to screen readers before the label, where labels repeat ("Fallback 2"). */
  context?: string;
  children: (props: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  return (
    <div className="min-w-0 space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {context ? <span className="sr-only">{context} </span> : null}
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), ...(error || hint ? { "aria-describedby": messageId } : {}) })}
      {error ? (
        <p id={messageId} className="text-xs text-red-600 dark:text-red-400" data-testid="field-error">
          {/^[a-z]/.test(error) ? `${label} ${error}` : error}
        </p>
      ) : hint ? (
        <p id={messageId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

interface Target {
  provider: ProviderId;
  endpoint: string;
  model: string;
}

/** Provider, endpoint (OpenAI-compatible only) and model, with the provider's models suggested. */
function ModelTarget({
  providers,
  value,
  onChange,
  errors,
  compact = false,
  context,
}: {
  providers: ProviderStatusEntry[] | null;
  value: Target;
  onChange: (target: Target) => void;
  errors: { provider?: string; endpoint?: string; model?: string };
  compact?: boolean;
  context?: string;
}) {
  const listId = useId();
  const status = providerStatusOf(providers, value);
  const models = useModelList(value.provider, value.endpoint, status);
  const endpoints = useMemo(() => (providers ?? []).filter((entry) => entry.id === "openai-compatible" && entry.endpoint).map((entry) => entry.endpoint!), [providers]);
  const modelHint =
    models.state === "loading"
      ? "Loading models…"
      : models.state === "ready"
        ? `${models.models.length} models available; any name works`
        : models.state === "failed"
          ? `Could not list models (${models.error}); type a model name`
          : value.provider === "local"
            ? "A .gguf file in LOCAL_MODELS_DIR; empty for the default"
            : "Type a model name";

  return (
    <div className={`grid gap-4 ${compact ? "sm:grid-cols-[10rem_1fr]" : "sm:grid-cols-2"}`}>
      <Field label="Provider" error={errors.provider} context={context}>
        {(props) => (
          <select {...props} className="field" value={value.provider} onChange={(e) => onChange({ ...value, provider: e.target.value as ProviderId, model: value.model })}>
            {PROVIDER_IDS.map((id) => {
              const entry = providerStatusOf(providers, { provider: id });
              return (
                <option key={id} value={id}>
                  {providerName(id)}
                  {entry && !entry.configured && id !== "openai-compatible" ? " (not configured)" : ""}
                </option>
              );
            })}
          </select>
        )}
      </Field>
      {compatible(value.provider) ? (
        <Field label="Endpoint" error={errors.endpoint} context={context} hint={endpoints.length ? `Declared: ${endpoints.join(", ")}` : "Declare it with ENDPOINT_<NAME>_URL"}>
          {(props) => (
            <>
              <input {...props} className="field" list={`${listId}-endpoints`} value={value.endpoint} onChange={(e) => onChange({ ...value, endpoint: e.target.value })} placeholder="deepseek" />
              <datalist id={`${listId}-endpoints`}>
                {endpoints.map((endpoint) => (
                  <option key={endpoint} value={endpoint} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      ) : null}
      <Field label="Model" error={errors.model} hint={modelHint} context={context}>
        {(props) => (
          <>
            <input
              {...props}
              className="field"
              list={listId}
              value={value.model}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ ...value, model: e.target.value })}
              placeholder={value.provider === "local" ? "default model" : "model name"}
            />
            <datalist id={listId}>
              {models.state === "ready" ? models.models.map((model) => <option key={model.id} value={model.id} />) : null}
            </datalist>
          </>
        )}
      </Field>
      {status && !status.configured ? (
        <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800 sm:col-span-2 dark:bg-amber-500/10 dark:text-amber-300" data-testid="provider-warning">
          <WarningIcon size={14} className="mt-0.5 shrink-0" />
          {providerName(value.provider)} is not configured: {status.problem ?? (status.missingEnvVar ? `set ${status.missingEnvVar} in .env and restart the server.` : "see the README.")}
        </p>
      ) : null}
    </div>
  );
}

type ModelList = { state: "idle" | "loading" } | { state: "ready"; models: ModelInfo[] } | { state: "failed"; error: string };

/** The provider's models, fetched when the provider (or endpoint) changes and it is configured. */
function useModelList(provider: ProviderId, endpoint: string, status: ProviderStatusEntry | undefined): ModelList {
  const [list, setList] = useState<ModelList>({ state: "idle" });
  const usable = status?.configured === true && (!compatible(provider) || endpoint !== "");
  useEffect(() => {
    if (!usable) {
      setList({ state: "idle" });
      return;
    }
    let live = true;
    setList({ state: "loading" });
    const timer = setTimeout(() => {
      api
        .listModels(provider, compatible(provider) ? endpoint : undefined)
        .then((models) => live && setList({ state: "ready", models }))
        .catch((err: Error) => live && setList({ state: "failed", error: err.message.replace(/\.$/, "") }));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [provider, endpoint, usable]);
  return list;
}

function Fallbacks({
  providers,
  fallbacks,
  errors,
  onChange,
}: {
  providers: ProviderStatusEntry[] | null;
  fallbacks: FallbackForm[];
  errors: FieldErrors;
  onChange: (fallbacks: FallbackForm[]) => void;
}) {
  return (
    <fieldset className="space-y-3 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Fallbacks</legend>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">Tried in order when the main model is unavailable or rate limited.</p>
      {fallbacks.map((fallback, index) => (
        <div key={index} className="flex items-start gap-2" data-testid="fallback-row">
          <div className="min-w-0 flex-1">
            <ModelTarget
              compact
              context={`Fallback ${index + 1}`}
              providers={providers}
              value={fallback}
              onChange={(target) => onChange(fallbacks.map((item, i) => (i === index ? target : item)))}
              errors={{
                provider: errors[`fallbacks.${index}.provider`],
                endpoint: errors[`fallbacks.${index}.endpoint`],
                model: errors[`fallbacks.${index}.model`],
              }}
            />
          </div>
          <IconButton label={`Remove fallback ${index + 1}`} className="mt-7" onClick={() => onChange(fallbacks.filter((_, i) => i !== index))}>
            <TrashIcon size={16} />
          </IconButton>
        </div>
      ))}
      {errors.fallbacks ? <p className="text-xs text-red-600 dark:text-red-400">Fallbacks {errors.fallbacks}</p> : null}
      {fallbacks.length < 5 ? (
        <button type="button" className="btn-secondary" onClick={() => onChange([...fallbacks, { provider: "openai", model: "", endpoint: "" }])}>
          <PlusIcon size={16} />
          Add fallback
        </button>
      ) : null}
    </fieldset>
  );
}
