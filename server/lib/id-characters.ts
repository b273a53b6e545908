/**
 * What a thread or message id may hold: no control character (C0, DEL, C1 — NUL, a newline, an
 * escape). The Redis provider separates a user from a thread id with NUL in its thread keys
 * (`thread:<userId>\0<threadId>`, redis-threads.ts): user `a`'s thread `b\0c` was the key of user
 * `a\0b`'s thread `c`, its job filed in the other user's index (the listings compare each record's
 * own thread, so nothing was shown across). Nor is such an id one a client means, and a tool gets it
 * as `ctx.threadId`, which apps use as a key of their own data (tools.md). Refused with a 400 naming
 * the field where a job is created: the bodies of `POST /api/jobs` and `POST /api/jobs/chat`, and
 * `createJob` (admit-ids.ts). The routes that read or delete existing jobs by thread take it, so a
 * thread stored before the refusal can still be read and deleted (each record's own thread and
 * owner are compared, so none reaches another user's).
 */
import type { z } from 'zod'
import { controlCharacterProblem } from '../../shared/control-characters'

/**
 * The longest id the API takes or looks up, in UTF-16 units: a job id (a longer `:id` names no job,
 * job-access.ts), a thread or message id (routes and `createJob`), an AI SDK chat id, a request id,
 * and so the id a list cursor holds (list-cursor.ts). One limit, so an id taken in one place can
 * be named in every other.
 */
export const MAX_ID_CHARS = 200

export { controlCharacterProblem }

/** `schema` refusing a value with a control character (an issue with `controlCharacterProblem`'s words). */
export function withoutControlCharacters<Schema extends z.ZodString>(schema: Schema) {
  return schema.superRefine((value, context) => {
    const problem = controlCharacterProblem(value)
    if (problem) context.addIssue({ code: 'custom', message: problem })
  })
}
