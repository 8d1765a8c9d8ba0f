// Reads a GGUF file's header (metadata and tensor table) in plain TypeScript, without
// touching llama.cpp. The embedded provider runs this before loading a model: a file
// with missing metadata or tensor data past its end can abort the whole Node process
// inside the native loader, while here it is only a thrown GgufFormatError.
import { open, type FileHandle } from "node:fs/promises";

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
/** Versions llama.cpp reads; version 1 has been unsupported for years. */
export const SUPPORTED_GGUF_VERSIONS = [2, 3] as const;
export const DEFAULT_GGUF_ALIGNMENT = 32;

export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueTypeId = (typeof GgufValueType)[keyof typeof GgufValueType];

const SCALAR_BYTES: Partial<Record<number, number>> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

/**
 * ggml tensor types: [elements per block, bytes per block], as in the GGML_QUANT_SIZES
 * table of the llama.cpp release node-llama-cpp ships. Ids missing here were removed
 * from llama.cpp; a type newer than this table is accepted without a size check.
 */
export const GGML_TYPE_SIZES: Record<number, readonly [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  16: [256, 66], // IQ2_XXS
  17: [256, 74], // IQ2_XS
  18: [256, 98], // IQ3_XXS
  19: [256, 50], // IQ1_S
  20: [32, 18], // IQ4_NL
  21: [256, 110], // IQ3_S
  22: [256, 82], // IQ2_S
  23: [256, 136], // IQ4_XS
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  29: [256, 56], // IQ1_M
  30: [1, 2], // BF16
  34: [256, 54], // TQ1_0
  35: [256, 66], // TQ2_0
  39: [32, 17], // MXFP4
  40: [64, 36], // NVFP4
  41: [128, 18], // Q1_0
  42: [64, 18], // Q2_0
};
/** Type ids llama.cpp dropped; a tensor using one cannot be loaded. */
const REMOVED_GGML_TYPES = new Set([4, 5, 31, 32, 33, 36, 37, 38]);

export type GgufScalar = number | bigint | boolean | string;
export interface GgufArray {
  itemType: number;
  length: number;
  /** Kept only for short arrays; long ones (token lists, merges) keep just their length. */
  values?: GgufScalar[];
}
export type GgufValue = GgufScalar | GgufArray;

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  ggmlType: number;
  /** Relative to the start of the tensor data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  fileSize: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset where tensor data starts. */
  dataOffset: number;
}

/** The file is not a GGUF llama.cpp can load; `message` says why in words a person can act on. */
export class GgufFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GgufFormatError";
  }
}

const ARRAY_VALUES_KEPT = 1024;
const MAX_TENSORS = 1_000_000;
const MAX_DIMS = 4;
const CHUNK_BYTES = 1 << 20;

/** Sequential little-endian reads over a file handle, one chunk at a time. */
class FileCursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
  ) {}

  private async ensure(bytes: number, what: string): Promise<number> {
    if (this.position + bytes > this.fileSize) {
      throw new GgufFormatError(
        `the file ends inside its header (while reading ${what} at byte ${this.position}); it is truncated or not a GGUF model`,
      );
    }
    const inBuffer = this.position - this.bufferStart;
    if (inBuffer >= 0 && inBuffer + bytes <= this.buffer.length) return inBuffer;
    const length = Math.min(Math.max(bytes, CHUNK_BYTES), this.fileSize - this.position);
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(chunk, 0, length, this.position);
    if (bytesRead < bytes) throw new GgufFormatError(`could not read ${what}: the file changed while it was read`);
    this.buffer = chunk.subarray(0, bytesRead);
    this.bufferStart = this.position;
    return 0;
  }

  async u32(what: string): Promise<number> {
    const at = await this.ensure(4, what);
    this.position += 4;
    return this.buffer.readUInt32LE(at);
  }

  /** A uint64 that must fit a JS number (counts, lengths, offsets). */
  async u64(what: string): Promise<number> {
    const at = await this.ensure(8, what);
    this.position += 8;
    const value = this.buffer.readBigUInt64LE(at);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError(`${what} is impossibly large (${value})`);
    return Number(value);
  }

  async string(what: string): Promise<string> {
    const length = await this.u64(`${what} length`);
    if (length > this.fileSize - this.position) {
      throw new GgufFormatError(`${what} claims ${length} bytes, more than the rest of the file; it is truncated or corrupt`);
    }
    const at = await this.ensure(length, what);
    this.position += length;
    return this.buffer.toString("utf8", at, at + length);
  }

  /** Steps over a string we don't keep (most of a 150k-token vocabulary). */
  async skipString(what: string): Promise<void> {
    const length = await this.u64(`${what} length`);
    if (length > this.fileSize - this.position) {
      throw new GgufFormatError(`${what} claims ${length} bytes, more than the rest of the file; it is truncated or corrupt`);
    }
    this.position += length;
  }

  async scalar(type: number, what: string): Promise<GgufScalar> {
    if (type === GgufValueType.STRING) return this.string(what);
    const size = SCALAR_BYTES[type];
    if (size === undefined) throw new GgufFormatError(`${what} has unknown value type ${type}`);
    const at = await this.ensure(size, what);
    this.position += size;
    const b = this.buffer;
    switch (type) {
      case GgufValueType.UINT8:
        return b.readUInt8(at);
      case GgufValueType.INT8:
        return b.readInt8(at);
      case GgufValueType.UINT16:
        return b.readUInt16LE(at);
      case GgufValueType.INT16:
        return b.readInt16LE(at);
      case GgufValueType.UINT32:
        return b.readUInt32LE(at);
      case GgufValueType.INT32:
        return b.readInt32LE(at);
      case GgufValueType.FLOAT32:
        return b.readFloatLE(at);
      case GgufValueType.BOOL:
        return b.readUInt8(at) !== 0;
      case GgufValueType.UINT64:
        return b.readBigUInt64LE(at);
      case GgufValueType.INT64:
        return b.readBigInt64LE(at);
      default:
        return b.readDoubleLE(at);
    }
  }

  async value(type: number, what: string): Promise<GgufValue> {
    if (type !== GgufValueType.ARRAY) return this.scalar(type, what);
    const itemType = await this.u32(`${what} item type`);
    if (itemType === GgufValueType.ARRAY) throw new GgufFormatError(`${what} is an array of arrays, which GGUF does not allow`);
    const length = await this.u64(`${what} length`);
    const itemBytes = itemType === GgufValueType.STRING ? 8 : SCALAR_BYTES[itemType];
    if (itemBytes === undefined) throw new GgufFormatError(`${what} has unknown item type ${itemType}`);
    if (length * itemBytes > this.fileSize - this.position) {
      throw new GgufFormatError(`${what} claims ${length} items, more than the rest of the file; it is truncated or corrupt`);
    }
    const keep = length <= ARRAY_VALUES_KEPT;
    const values: GgufScalar[] = [];
    if (itemType !== GgufValueType.STRING && !keep) {
      // Fixed-size items we don't keep: skip them without decoding (bounds checked above).
      this.position += length * itemBytes;
      return { itemType, length };
    }
    for (let i = 0; i < length; i++) {
      if (keep) values.push(await this.scalar(itemType, `${what}[${i}]`));
      else await this.skipString(`${what}[${i}]`);
    }
    return keep ? { itemType, length, values } : { itemType, length };
  }
}

function tensorBytes(tensor: GgufTensorInfo): number | undefined {
  const size = GGML_TYPE_SIZES[tensor.ggmlType];
  if (!size) return undefined;
  const [blockElements, blockBytes] = size;
  const [rowElements, ...rest] = tensor.dims;
  if (rowElements % blockElements !== 0) {
    throw new GgufFormatError(
      `tensor ${tensor.name} has rows of ${rowElements} values, not a multiple of its type's block size ${blockElements}`,
    );
  }
  const rows = rest.reduce((product, dim) => product * dim, 1);
  return (rowElements / blockElements) * blockBytes * rows;
}

/**
 * Reads magic, version, metadata and tensor table, and checks that every tensor's data
 * lies inside the file. Throws GgufFormatError for anything llama.cpp could choke on.
 */
export async function readGgufHeader(filePath: string): Promise<GgufHeader> {
  const handle = await open(filePath, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const cursor = new FileCursor(handle, fileSize);
    if (fileSize < 4 || (await cursor.u32("the magic number")) !== GGUF_MAGIC) {
      throw new GgufFormatError("it does not start with the GGUF magic bytes, so it is not a GGUF model file");
    }
    const version = await cursor.u32("the version");
    if (!(SUPPORTED_GGUF_VERSIONS as readonly number[]).includes(version)) {
      throw new GgufFormatError(`it is GGUF version ${version}; llama.cpp reads versions ${SUPPORTED_GGUF_VERSIONS.join(" and ")}`);
    }
    const tensorCount = await cursor.u64("the tensor count");
    const metadataCount = await cursor.u64("the metadata count");
    if (tensorCount > MAX_TENSORS) throw new GgufFormatError(`it claims ${tensorCount} tensors; the header is corrupt`);
    // Each entry takes at least a 9-byte key length and type; a larger count is corruption.
    if (metadataCount * 12 > fileSize) throw new GgufFormatError(`it claims ${metadataCount} metadata entries; the header is corrupt`);

    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < metadataCount; i++) {
      const key = await cursor.string(`metadata key #${i}`);
      const type = await cursor.u32(`the type of ${key}`);
      if (metadata.has(key)) throw new GgufFormatError(`metadata key ${key} appears twice`);
      metadata.set(key, await cursor.value(type, key));
    }

    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = await cursor.string(`tensor name #${i}`);
      const dimCount = await cursor.u32(`the dimension count of ${name}`);
      if (dimCount < 1 || dimCount > MAX_DIMS) throw new GgufFormatError(`tensor ${name} has ${dimCount} dimensions`);
      const dims: number[] = [];
      for (let d = 0; d < dimCount; d++) {
        const dim = await cursor.u64(`dimension ${d} of ${name}`);
        if (dim < 1) throw new GgufFormatError(`tensor ${name} has an empty dimension`);
        dims.push(dim);
      }
      const ggmlType = await cursor.u32(`the type of ${name}`);
      const offset = await cursor.u64(`the offset of ${name}`);
      tensors.push({ name, dims, ggmlType, offset });
    }

    const alignmentValue = metadata.get("general.alignment");
    const alignment = typeof alignmentValue === "number" ? alignmentValue : DEFAULT_GGUF_ALIGNMENT;
    if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0) {
      throw new GgufFormatError(`general.alignment is ${String(alignmentValue)}, not a power of two`);
    }
    const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
    const dataBytes = fileSize - dataOffset;

    for (const tensor of tensors) {
      if (REMOVED_GGML_TYPES.has(tensor.ggmlType)) {
        throw new GgufFormatError(
          `tensor ${tensor.name} uses ggml type ${tensor.ggmlType}, which llama.cpp no longer supports; download a current conversion`,
        );
      }
      if (tensor.offset % alignment !== 0) throw new GgufFormatError(`tensor ${tensor.name} is not aligned to ${alignment} bytes`);
      const bytes = tensorBytes(tensor) ?? 0;
      if (tensor.offset + bytes > dataBytes) {
        throw new GgufFormatError(
          `tensor ${tensor.name} ends at byte ${dataOffset + tensor.offset + bytes} but the file has ${fileSize} bytes: it is truncated (an interrupted download?)`,
        );
      }
    }
    return { version, fileSize, metadata, tensors, alignment, dataOffset };
  } finally {
    await handle.close();
  }
}
