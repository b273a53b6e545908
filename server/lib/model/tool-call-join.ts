/**
 * Joins a round's streamed tool-call fragments into calls (parse-stream.ts hands each one here).
 * Fragments go by `index`; parallel calls that share one are told apart by their ids, or, when the
 * server sends none, by a fragment naming another tool or a new JSON object after a whole one.
 */
import { utf8ByteLength } from '../bytes'
import { callsTooLarge, MAX_ROUND_TOOL_CALL_BYTES, MAX_ROUND_TOOL_CALLS, tooManyCalls } from './tool-call-bounds'
import type { ModelToolCall } from './types'

/** One `delta.tool_calls[]` entry as it came. */
export interface ToolCallFragment {
  index?: number
  id?: string
  /** `arguments` is JSON text; some servers send the object itself (llama.cpp's server, text-generation-inference). */
  function?: { name?: string, arguments?: string | Record<string, unknown> }
  /** Gemini's OpenAI-compatible endpoint: the call's thought signature (`{ google: { thought_signature } }`). */
  extra_content?: unknown
}

/** A tool call being joined from its fragments. */
export interface JoinedCall {
  /** The upstream's `index` of its fragments. */
  index: number
  call: ModelToolCall
  /** `call.id` is the upstream's (not the `call_<index>` stand-in). */
  hasUpstreamId: boolean
}

/** A round's calls so far, in the order their first fragments came, and what they hold. */
export interface RoundCalls {
  list: JoinedCall[]
  /** UTF-8 bytes of the calls' upstream ids, names and arguments (tool-call-bounds.ts). */
  bytes: number
}

/**
 * Adds a fragment to its call in `round.list` (in the order their first fragments came): the latest
 * call at its `index` (some providers omit `index`: then the latest call). Returns whether the
 * fragment counted (false for an empty end marker). A new call starts when the fragment has an
 * id other than that call's (Gemini's OpenAI-compatible API and some gateways send parallel calls
 * all at index 0, each with its own id); with no ids, when it names another tool after the call's
 * arguments began, or brings a new JSON object after the call's arguments already are a whole one
 * (Ollama's index-0 calls through proxies that drop the ids; gateways that translate another
 * API): without this, two calls became one with `{…}{…}` arguments and both failed. A name
 * repeated on every fragment of one call (MiniMax through NVIDIA NIM) continues it. An id that
 * comes after a call's first fragment becomes the call's id. A fragment that would take the round
 * past `MAX_ROUND_TOOL_CALLS` or `MAX_ROUND_TOOL_CALL_BYTES` throws, before anything of it is held.
 */
export function joinFragment(round: RoundCalls, fragment: ToolCallFragment): boolean {
  const calls = round.list
  const id = stringOrEmpty(fragment.id)
  const name = stringOrEmpty(fragment.function?.name)
  const args = argumentsText(fragment.function?.arguments)
  const extra = fragment.extra_content
  const extraContent = extra && typeof extra === 'object' && !Array.isArray(extra) ? extra as Record<string, unknown> : undefined
  // No id, no name, no arguments: an end marker some servers send after the real calls (DeepSeek:
  // `{index, id: "", function: {arguments: null}}`, often at an index of its own). It adds
  // nothing; counted as a call it was one without a name, and the round failed.
  if (!id && !name && !args && !extraContent) return false
  const hasIndex = Number.isInteger(fragment.index)
  const index = hasIndex ? fragment.index! : calls.at(-1)?.index ?? 0
  // An id names its call: a fragment that repeats an earlier call's id goes on with it, whatever
  // came between (at its index; with no index, any call). Else the latest call at its index.
  let joined = (id ? calls.findLast(candidate => candidate.hasUpstreamId && candidate.call.id === id && (!hasIndex || candidate.index === index)) : undefined)
    ?? calls.findLast(candidate => candidate.index === index)
  // A new object with no name of its own calls the same tool (its name came on an earlier
  // fragment, which read as the same call's name again).
  const split = joined ? startsAnotherCall(joined, id, name, args) : false
  const inherited = split === 'object' ? joined!.call.name : ''
  if (split) joined = undefined
  // What the round holds more once the fragment is joined: its arguments, and the id and name it
  // gives a call that had none (the one string of the fragment each, within a line).
  const heldName = joined ? joined.call.name : inherited
  const added = utf8ByteLength(args) + (name && !heldName ? utf8ByteLength(name) : 0) + (id && !joined?.hasUpstreamId ? utf8ByteLength(id) : 0)
  if (!joined && calls.length >= MAX_ROUND_TOOL_CALLS) throw tooManyCalls(heldName || name, index)
  if (round.bytes + added > MAX_ROUND_TOOL_CALL_BYTES) throw callsTooLarge(heldName || name, joined?.index ?? index)
  round.bytes += added
  if (!joined) {
    joined = { index, call: { id: id || standInId(calls, index), name: inherited, arguments: '' }, hasUpstreamId: id !== '' }
    calls.push(joined)
  }
  else if (id && !joined.hasUpstreamId) {
    joined.call.id = id
    joined.hasUpstreamId = true
  }
  const { call } = joined
  if (name && !call.name) call.name = name
  call.arguments += args
  if (extraContent) call.extraContent = extraContent
  return true
}

/** Whether (and why) a fragment at `joined`'s index begins a call of its own. */
function startsAnotherCall(joined: JoinedCall, id: string, name: string, args: string): 'id' | 'name' | 'object' | false {
  if (id && joined.hasUpstreamId) return id !== joined.call.id && 'id'
  // After the call's arguments began: a name before them may be a piece of the same name.
  if (name && joined.call.name && name !== joined.call.name && joined.call.arguments) return 'name'
  // With no ids at all: a new object after a whole one (checked only when both ends look like it).
  return !id && !joined.hasUpstreamId && isObjectStart(args) && isWholeObject(joined.call.arguments) && 'object'
}

function isObjectStart(text: string): boolean {
  return text.trimStart().startsWith('{')
}

function isWholeObject(text: string): boolean {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return false
  try {
    JSON.parse(trimmed)
    return true
  }
  catch {
    return false
  }
}

/** `call_<index>`, or with a suffix when an earlier call at that index took it. */
function standInId(calls: JoinedCall[], index: number): string {
  const base = `call_${index}`
  const taken = calls.filter(candidate => candidate.index === index).length
  return taken ? `${base}_${taken}` : base
}

/** A fragment's arguments as JSON text: an object some servers send instead of its text is written out. */
function argumentsText(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value)
  return stringOrEmpty(value)
}

function stringOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
