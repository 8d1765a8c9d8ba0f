// Zod building blocks shared by every route schema (and the browser forms).
import { z } from "zod";

/** Ids are cuids (or seed ids); anything else is malformed rather than unknown. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an id of 1 to 64 letters, digits, '-' or '_'");

export const idParamsSchema = z.object({ id: idSchema }).strict();

/** Text that is well-formed Unicode (no lone surrogates) and free of control characters other than whitespace. */
export function textSchema(max: number, min = 0) {
  return z
    .string()
    .min(min, min > 0 ? "must not be empty" : undefined)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.isWellFormed(), "must be valid Unicode text")
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), "must not contain control characters");
}

/** A required single-line name: trimmed, non-empty. */
export function nameSchema(max: number) {
  return textSchema(max)
    .transform((s) => s.trim())
    .pipe(z.string().min(1, "must not be empty"));
}

export const booleanQuerySchema = z.enum(["true", "false"]).transform((v) => v === "true");
