/**
 * The JSON Schema clients are shown for a workflow's input and for an input node's answer (the
 * catalog, the input request), without the union options JSON can never fill
 * (non-json-parameters.ts) nor the defaults a function computes (computed-defaults.ts), and without
 * `.catch()` fields in `required` (missing-accepted.ts), and with a `z.coerce.date()` as a date-time
 * string (coerced-date.ts); an optional question's with `null` among its options (optional-answer.ts). zod reads a
 * `.default(() => …)` when the schema is built, once at boot, so the boot time or one id would be
 * shown as every job's default; each read checks the shown defaults again, and once one changed the
 * schema is built again without it, for good. Null when zod cannot express the schema.
 */
import { z } from 'zod'
import { createDefaultsWatch } from '../tools/computed-defaults'
import { dropNonJsonOptions } from '../tools/non-json-parameters'
import { dropCaughtRequired } from './missing-accepted'
import { describeCoercedDate } from '../coerced-date'
import { withNullOption } from './optional-answer'

/** A form's JSON Schema, read when it is handed out. */
export interface FormSchema {
  read(): unknown
}

/** The form schema of a zod schema. */
export function createFormSchema(schema: z.ZodType, options: { nullable?: boolean } = {}): FormSchema {
  const defaults = createDefaultsWatch()
  let dropOptions: ReturnType<typeof dropNonJsonOptions> | undefined
  const build = (): unknown => {
    defaults.begin()
    try {
      // Inside the try, as before: a schema walking it throws on is shown as null, not a boot error.
      const drop = dropOptions ??= dropNonJsonOptions(schema)
      const override = ((context: Parameters<typeof drop>[0]) => {
        drop(context)
        defaults.override(context)
        dropCaughtRequired(context)
        describeCoercedDate(context)
      }) as (context: unknown) => void
      const shown = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override })
      return options.nullable ? withNullOption(shown) : shown
    }
    catch {
      return null
    }
  }
  let shown = build()
  // Read once more now: a default that differs at each read (an id, a counter) is never shown.
  if (shown !== null && defaults.changed()) shown = build()
  return {
    read() {
      if (shown !== null && defaults.changed()) shown = build()
      return shown
    },
  }
}
