/**
 * A query parameter written with brackets (`?status[]=running`, `?limit[0]=5`, how qs and PHP
 * write arrays) arrives from `getQuery` under another name, `status[]`, which the route's schema
 * dropped as an unknown key: the filter was silently not applied and every job listed. A route's
 * own parameter so written is a 400 naming it and the shape the route takes.
 */
import { z } from 'zod'

/** `name[…]` → `name`; undefined for a name without brackets. */
function bracketedName(key: string): string | undefined {
  return /^([^[\]]+)\[[^\]]*\]/.exec(key)?.[1]
}

/** The shape of a parameter the route takes once (`limit=…`). */
export function onceForm(name: string): string {
  return `${name}=… once`
}

/**
 * `schema` after refusing the parameters of `forms` written with brackets; `forms` names each
 * with how it is given (`status=running,waiting`).
 */
export function withoutBrackets<Schema extends z.ZodType>(forms: Readonly<Record<string, string>>, schema: Schema) {
  return z.preprocess((query, context) => {
    if (query === null || typeof query !== 'object') return query
    let refused = false
    for (const key of Object.keys(query)) {
      const name = bracketedName(key)
      if (name === undefined || !Object.hasOwn(forms, name)) continue
      context.addIssue({ code: 'custom', path: [key], message: `is not read: a parameter's name takes no brackets; give ${forms[name]}` })
      refused = true
    }
    // Only these named: the route's other words (`threadId: is required`) would be about the same mistake.
    return refused ? z.NEVER : query
  }, schema)
}
