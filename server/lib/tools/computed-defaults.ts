/**
 * Defaults in a tool's JSON Schema that zod computes from a function. `z.toJSONSchema` reads a
 * `.default(() => …)` (or `.prefault`) once, when the registry builds the schema at boot, so the
 * model was shown that one value for the life of the process: `() => new Date().toISOString()`
 * said the boot time, `() => randomUUID()` one id for every call, though the tool fills in a new
 * value each time it runs. zod keeps both kinds behind the same getter, so a function default is
 * told by its value changing: each shown default is read again after the schema is built and
 * whenever the registry hands the schema out, and once a read differs from the value shown, the
 * schema is built again without that `default` (everywhere the schema is used), for good. The
 * field stays optional: the model may leave it out. A fixed default, or a function that always
 * gives the same value, stays shown.
 */

interface OverrideContext {
  zodSchema: unknown
  jsonSchema: Record<string, unknown>
}

/** Watches the defaults of one tool's JSON Schema; see the file comment. */
export interface DefaultsWatch {
  /** A build of the schema starts: what the last one noted is forgotten. */
  begin(): void
  /** The part of `z.toJSONSchema`'s override that leaves out known computed defaults and notes the others. */
  override(context: OverrideContext): void
  /** Reads each noted default again; true when one changed (build the schema again). */
  changed(): boolean
}

interface NotedDefault {
  schema: object
  /** The value shown, as JSON text. */
  shown: string | undefined | null
  read: () => unknown
}

/** A watch for one tool. */
export function createDefaultsWatch(): DefaultsWatch {
  const computed = new WeakSet<object>()
  let noted: NotedDefault[] = []
  return {
    begin() {
      noted = []
    },
    override({ zodSchema, jsonSchema }) {
      const def = (zodSchema as { _zod?: { def?: { type?: string, defaultValue?: unknown } } })._zod?.def
      if (!def || (def.type !== 'default' && def.type !== 'prefault') || !('default' in jsonSchema)) return
      const schema = zodSchema as object
      // Deleted here, on the node zod then copies to every place the schema is used.
      if (computed.has(schema)) delete jsonSchema.default
      else noted.push({ schema, shown: jsonText(() => jsonSchema.default), read: () => def.defaultValue })
    },
    changed() {
      let changed = false
      for (const entry of noted) {
        const now = jsonText(entry.read)
        // A default function that throws now (or a value JSON cannot write) is not shown either.
        if (now === null || now !== entry.shown) {
          computed.add(entry.schema)
          changed = true
        }
      }
      if (changed) noted = []
      return changed
    },
  }
}

/** `JSON.stringify` of what `read` gives, or null when reading or writing it throws. */
function jsonText(read: () => unknown): string | undefined | null {
  try {
    return JSON.stringify(read())
  }
  catch {
    return null
  }
}
