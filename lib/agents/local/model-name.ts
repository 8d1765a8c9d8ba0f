// What a `local` agent's model may be: a bare .gguf file name in LOCAL_MODELS_DIR, or ""
// for the default model. No Node imports: the agent editor validates with it in the browser.

export function isPlainGgufName(name: string): boolean {
  return name.toLowerCase().endsWith(".gguf") && !name.startsWith(".") && !/[/\\\0]/.test(name);
}
