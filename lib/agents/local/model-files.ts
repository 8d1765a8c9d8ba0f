// Where local models live and which file an agent means. A `local` agent's `model` is a
// bare .gguf file name inside LOCAL_MODELS_DIR, or empty for the default model
// (LOCAL_MODEL_PATH, else the first .gguf in the directory). Paths are refused so that an
// agent definition can never make the server open an arbitrary file.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isPlainGgufName } from "@/lib/agents/local/model-name";

export const MODEL_PULL_COMMAND = "npm run model:pull";

export interface LocalModelLocation {
  /** Where models are looked up, absolute. */
  modelsDir: string;
  /** As configured (for messages), e.g. "models/". */
  modelsDirLabel: string;
  /** LOCAL_MODEL_PATH when set: a file name in modelsDir or a path relative to the working directory. */
  defaultModelPath?: string;
}

export interface LocalModelFile {
  /** File name, as an agent's `model` names it. */
  name: string;
  path: string;
  sizeBytes: number;
  modifiedMs: number;
}

/** A model could not be found; `message` tells the operator what to do. */
export class LocalModelMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalModelMissingError";
  }
}

export function resolveLocation(options: { modelsDir: string; defaultModelPath?: string; cwd?: string }): LocalModelLocation {
  const cwd = options.cwd ?? process.cwd();
  const label = options.modelsDir.endsWith("/") ? options.modelsDir : `${options.modelsDir}/`;
  return {
    modelsDir: path.resolve(cwd, options.modelsDir),
    modelsDirLabel: label,
    ...(options.defaultModelPath
      ? {
          defaultModelPath: isPlainGgufName(options.defaultModelPath)
            ? path.resolve(cwd, options.modelsDir, options.defaultModelPath)
            : path.resolve(cwd, options.defaultModelPath),
        }
      : {}),
  };
}

export function noModelMessage(location: LocalModelLocation): string {
  return `No local model found in ${location.modelsDirLabel}: run \`${MODEL_PULL_COMMAND}\` or place a .gguf file there.`;
}

async function describeFile(filePath: string): Promise<LocalModelFile | undefined> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) return undefined;
    return { name: path.basename(filePath), path: filePath, sizeBytes: info.size, modifiedMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

/** The .gguf files in the models directory, by name; none when the directory is missing. */
export async function listModelFiles(location: LocalModelLocation): Promise<LocalModelFile[]> {
  let names: string[];
  try {
    names = await readdir(location.modelsDir);
  } catch {
    return [];
  }
  const files = await Promise.all(
    names.filter(isPlainGgufName).sort().map((name) => describeFile(path.join(location.modelsDir, name))),
  );
  return files.filter((file): file is LocalModelFile => file !== undefined);
}

/** The default model: LOCAL_MODEL_PATH when set (and it must exist), else the first .gguf. */
export async function findDefaultModel(location: LocalModelLocation): Promise<LocalModelFile> {
  if (location.defaultModelPath) {
    const file = await describeFile(location.defaultModelPath);
    if (!file) {
      throw new LocalModelMissingError(
        `LOCAL_MODEL_PATH names ${location.defaultModelPath}, which does not exist: fix the variable, run \`${MODEL_PULL_COMMAND}\` or place the file there.`,
      );
    }
    return file;
  }
  const [first] = await listModelFiles(location);
  if (!first) throw new LocalModelMissingError(noModelMessage(location));
  return first;
}

/** The file an agent's `model` names ("" = the default). Throws LocalModelMissingError. */
export async function resolveModelFile(location: LocalModelLocation, model: string): Promise<LocalModelFile> {
  if (model === "") return findDefaultModel(location);
  if (!isPlainGgufName(model)) {
    throw new LocalModelMissingError(
      `"${model}" is not a model file name: a local agent's model is a .gguf file name inside ${location.modelsDirLabel} (or empty for the default model).`,
    );
  }
  const file = await describeFile(path.join(location.modelsDir, model));
  if (file) return file;
  const available = (await listModelFiles(location)).map((f) => f.name);
  throw new LocalModelMissingError(
    `Local model ${model} is not in ${location.modelsDirLabel}` +
      (available.length ? ` (available: ${available.join(", ")}).` : `: run \`${MODEL_PULL_COMMAND}\` or place a .gguf file there.`),
  );
}
