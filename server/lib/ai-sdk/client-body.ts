/**
 * The app's own fields of the AI SDK transport's body — what `DefaultChatTransport({ body })` and
 * `sendMessage(message, { body })` add next to the SDK's `{ id, messages, trigger, messageId }` (a
 * chosen model, a temperature, a project id). An AI SDK route reads them in its handler; here the
 * job that answers the turn keeps them (`request.clientBody`), so the app's hooks read them on any
 * instance, also after a takeover. They are the client's data: never read by the layer, never
 * sent upstream, never tools or settings; only checked to be JSON within `MAX_CLIENT_BODY_BYTES`
 * (docs/ai-sdk.md, "Your own body fields"; its decision record).
 */
import { RequestError } from '../http/request'
import { shownInput } from '../shown-input'
import { asSent } from './metadata-json'

/** The most the app's body fields may hold, in UTF-8 bytes of their JSON. */
export const MAX_CLIENT_BODY_BYTES = 16 * 1024

/**
 * The body fields the route itself reads: the SDK's own, the newest-message-only `message`, and
 * `model` and `tools`, which keep their checks (`upstream.allowedModels`, registered tool names).
 */
export const TRANSPORT_FIELDS: ReadonlySet<string> = new Set(['id', 'messages', 'message', 'trigger', 'messageId', 'model', 'tools'])

/** Field names a refusal lists at most. */
const LISTED_NAMES = 10

/** Refuses a `__proto__` key anywhere: an app merging the fields into an object would set its prototype. */
function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new TypeError('holds a "__proto__" key')
  return value
}

/** The fields of `body` the route does not read itself (none for a body that is not an object). */
export function clientFieldsOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {}
  return Object.fromEntries(Object.entries(body).filter(([key]) => !TRANSPORT_FIELDS.has(key)))
}

/** `{ clientBody }` as it is kept (its JSON round trip; nothing for no fields), or why it cannot be. */
export function asClientBody(value: unknown): { clientBody?: Record<string, unknown> } | { problem: string } {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) return { problem: 'must be an object of the app\'s fields' }
  if (Object.keys(value).length === 0) return {}
  try {
    JSON.stringify(value, refuseProtoKey)
  }
  catch (error) {
    if (error instanceof TypeError && /__proto__/.test(error.message)) return { problem: error.message }
    // Anything else JSON cannot write is said by asSent below.
  }
  const sent = asSent(value, MAX_CLIENT_BODY_BYTES)
  if ('problem' in sent) return { problem: sent.problem }
  return sent.metadata === undefined ? {} : { clientBody: sent.metadata as Record<string, unknown> }
}

/** `{ clientBody }` of a new turn's body fields, or a 400 naming them and the bound. */
export function clientBodyOf(fields: Record<string, unknown>): { clientBody?: Record<string, unknown> } {
  const checked = asClientBody(fields)
  if (!('problem' in checked)) return checked
  const names = Object.keys(fields)
  const listed = names.slice(0, LISTED_NAMES).map(name => shownInput(name, 50)).join(', ') + (names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : '')
  // The problem is worded for one value ("is 20012 bytes of JSON …"); here it is said of the fields.
  const problem = checked.problem.replace(/^is /, 'are ').replace(/^holds /, 'hold ')
  throw new RequestError(400, `body: the app's own fields (${listed}) ${problem} (the job keeps them for your hooks: keep large data in your database and send its id)`)
}
