/**
 * Recognising a zod schema in a definition (tool parameters, workflow input, an input node's
 * answer). Duck-typed rather than `instanceof`: a schema made by another copy of zod 4 (an app's
 * own install) or by `zod/mini` works with everything the layer calls (`safeParse`,
 * `z.toJSONSchema`), and `instanceof` would refuse it.
 */
import type { z } from 'zod'

/** True for a zod 4 schema (zod 4 schemas carry `_zod`; zod 3 ones do not). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value && typeof (value as z.ZodType).safeParse === 'function'
}
