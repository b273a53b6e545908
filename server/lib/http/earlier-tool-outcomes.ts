/**
 * The tool calls and outcomes of a chat's earlier turns, put back into the next turn's history
 * (docs/decisions/015-tool-outcomes-in-history.md). A client sends an earlier answer as its text;
 * an assistant message may name the job that wrote it (`jobId`: the demo's main chat on
 * `POST /api/jobs`; the AI SDK route names it by the message's id, which is the job's). Such a
 * message is sent to the model as the job's own rounds — per round an assistant message with its
 * `reasoning_content` when its endpoint sent one and the job ran on this turn's model, and its
 * `tool_calls`, then one `tool` message per call — and then the answer text the client sent.
 *
 * Calls and results come from the server's stored job only, never from the client: the named job
 * must be this user's (another user's reads as not found), a chat job of the same thread, and
 * ended, and every tool it called must be offered to the new turn. Anything else keeps the message
 * as text only (a job gone past retention is not an error).
 *
 * Bounded: the newest turns first, while the history stays within `limits.maxMessages` and its
 * JSON within `limits.maxBodyBytes` (and the store's request limit); each round's results within
 * `limits.maxResultBytes` together, as the loop cuts them, and each within `limits.maxMessageChars`,
 * cut with a marker. When an answer's rounds do not fit, the history's oldest turns give way to
 * them (whole turns, from a user message; never the answer's own turn): a long thread whose client
 * filled the limits with text still gets its newest tool outcomes. Rounds that do not fit even so
 * end the expansion; older answers keep their text only. At most
 * `MAX_EARLIER_JOBS_READ` jobs are read, `EARLIER_JOBS_READ_AT_ONCE` at a time.
 */
import { isTerminalStatus } from '../../../shared/events'
import { cutTextWith } from '../../../shared/cut-text'
import type { JobState } from '../../../shared/reducer'
import { isToolOutcome } from '../../../shared/reducer'
import { jsonByteLength } from '../bytes'
import type { CreateJobInput } from '../engine-types'
import { JobNotFoundError } from '../errors'
import { toolMessageContent } from '../executor/execute-tool'
import { historyArguments } from '../executor/history-arguments'
import { historyToolName } from '../executor/history-tool-name'
import { storedEchoedReasoning } from '../executor/reasoning-echo'
import { resolveToolNames } from '../executor/resolve-tools'
import { truncateResults } from '../executor/truncate-results'
import type { ChatMessage } from '../providers/types'
import { shownToolName } from '../tool-name-list'
import type { JobsRouteContext } from './handler'

/** A history message as a route reads it: the job that wrote an assistant answer may be named. */
export type NamedChatMessage = ChatMessage & { jobId?: string }

/** Most earlier jobs read for one turn (each read is the job's whole log). */
export const MAX_EARLIER_JOBS_READ = 20

/**
 * Earlier jobs read at a time: on a shared store each read is a round trip, and one after another
 * 20 of them held the turn's start for 20 round trips; a few at a time bound the logs held at once.
 */
export const EARLIER_JOBS_READ_AT_ONCE = 4

/** What a request holds besides its messages, kept free under a store's request limit (as chat-turn.ts). */
const REQUEST_ROOM_BYTES = 65_536

/** Marks a tool result cut to `limits.maxMessageChars`. */
const CUT_MARK = '… [cut: this earlier tool result was longer than limits.maxMessageChars]'

function argumentsText(args: unknown): string {
  return historyArguments(typeof args === 'string' ? args : JSON.stringify(args ?? {}))
}

/**
 * The rounds of a finished job's own loop (not a workflow node's) as model messages; with their
 * stored `reasoning_content` only when `echoReasoning` (the job ran on this turn's model).
 */
export function toolRoundMessages(state: JobState, limits: { maxResultBytes: number, maxMessageChars: number }, echoReasoning: boolean): ChatMessage[] {
  const calls = state.toolCalls.filter(call => !call.nodeId)
  const steps = [...new Set(calls.map(call => call.step))].sort((a, b) => a - b)
  const messages: ChatMessage[] = []
  for (const step of steps) {
    const round = calls.filter(call => call.step === step)
    // DeepSeek's and Kimi's thinking modes refuse (400) an earlier turn's tool call sent without the
    // reasoning_content that came with it; it is stored only when the endpoint sent that field, and
    // goes back only to it: a turn on another model (another endpoint) may refuse the field (Groq: 400).
    const reasoning = echoReasoning ? storedEchoedReasoning(state, step) : undefined
    messages.push({
      role: 'assistant',
      content: null,
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      tool_calls: round.map(call => ({ id: call.id, type: 'function', function: { name: historyToolName(call.name), arguments: argumentsText(call.args) } })),
    })
    const contents = round.map(call => isToolOutcome(call.status)
      ? toolMessageContent({ id: call.id, name: call.name, status: call.status === 'stopped' ? 'error' : call.status, result: call.result, error: call.error, durationMs: call.durationMs ?? 0 })
      : JSON.stringify({ error: `The tool ${shownToolName(call.name)} got no result: the job ended before it answered` }))
    const cut = truncateResults(contents, limits.maxResultBytes).contents
    round.forEach((call, index) => messages.push({
      role: 'tool',
      tool_call_id: call.id,
      name: historyToolName(call.name),
      content: cutTextWith(cut[index]!, Math.max(0, limits.maxMessageChars - CUT_MARK.length), CUT_MARK),
    }))
  }
  return messages
}

/** The model a chat request runs on: the one it names, else `upstream.defaultModel`. */
function modelOf(context: JobsRouteContext, model: string | undefined): string {
  return model || context.config.upstream.defaultModel
}

/**
 * The model the user's job `jobId` ran on; null when it is gone. Read only for a job with reasoning
 * to send back (the view `getJob` gives has no request): its request as a listing gives it, which
 * keeps the model without a long chat's whole history.
 */
async function jobModel(context: JobsRouteContext, jobId: string): Promise<string | null> {
  const { provider } = context.engine
  const owner = { userId: context.userId }
  const record = await (provider.getListed ? provider.getListed(jobId, owner) : provider.get(jobId, owner))
  // A Convex job whose deletion stopped part way may have no request (job-summary.ts).
  const request = record?.userId === context.userId ? record.request as typeof record.request | null : null
  return request?.type === 'chat' ? modelOf(context, request.model) : null
}

/**
 * The rounds of job `jobId` when it is this user's ended chat job of `threadId` and every tool it
 * called is offered to this turn (`offered`); null otherwise. A history that answers a tool the
 * request does not define is refused by some endpoints (a follow-up with tools switched off, or
 * a tool the app has since removed): such an answer goes as its text. Its reasoning goes only
 * when the job ran on `model`, this turn's model.
 */
async function storedRounds(context: JobsRouteContext, jobId: string, threadId: string, offered: ReadonlySet<string>, model: string): Promise<ChatMessage[] | null> {
  let read
  try {
    read = await context.engine.getJob(context.userId, jobId)
  }
  catch (error) {
    if (error instanceof JobNotFoundError) return null
    throw error
  }
  const { job, state } = read
  if (job.type !== 'chat' || job.threadId !== threadId || !isTerminalStatus(job.status)) return null
  if (state.toolCalls.some(call => !call.nodeId && !offered.has(call.name))) return null
  const hasReasoning = state.steps.some(step => !step.nodeId && storedEchoedReasoning(state, step.step) !== undefined)
  if (!hasReasoning) return toolRoundMessages(state, context.config.limits, false)
  const ranOn = await jobModel(context, jobId)
  // Gone since it was read: as a job gone past retention.
  if (ranOn === null) return null
  return toolRoundMessages(state, context.config.limits, ranOn === model)
}

/**
 * `rounds` with every call id not in `used` (two jobs' models may both have said `call_1`; an
 * endpoint may refuse a history that answers one id twice), and their ids added to it.
 */
function uniqueCallIds(rounds: ChatMessage[], used: Set<string>): ChatMessage[] {
  const renamed = new Map<string, string>()
  return rounds.map((message) => {
    if (message.tool_calls) {
      return { ...message, tool_calls: message.tool_calls.map((call) => {
        let id = call.id
        for (let n = 2; used.has(id); n++) id = `${call.id}_${n}`
        used.add(id)
        renamed.set(call.id, id)
        return { ...call, id }
      }) }
    }
    return message.tool_call_id === undefined ? message : { ...message, tool_call_id: renamed.get(message.tool_call_id) ?? message.tool_call_id }
  })
}

/**
 * Where the history may start so that `needed` more messages and bytes fit (each ≤ 0: they fit
 * already): `start`, or the fewest oldest turns after it left out, each from its user message
 * and never the turn of `messages[index]`; with the messages and bytes they free. Null when even
 * leaving out every older turn leaves too little room.
 */
function roomFor(messages: NamedChatMessage[], start: number, index: number, needed: { messages: number, bytes: number }): { start: number, messages: number, bytes: number } | null {
  const freed = { start, messages: 0, bytes: 0 }
  const turnStart = messages.findLastIndex((message, at) => at <= index && message.role === 'user')
  for (let at = start; ; at++) {
    if (freed.messages >= needed.messages && freed.bytes >= needed.bytes && (at === start || messages[at]!.role === 'user')) return { ...freed, start: at }
    if (at >= turnStart) return null
    freed.messages++
    // The message and its comma in the history's JSON.
    freed.bytes += jsonByteLength(plain(messages[at]!)) + 1
  }
}

/** `message` without the route's `jobId`: the upstream gets the chat-completions fields only. */
function plain({ jobId: _jobId, ...message }: NamedChatMessage): ChatMessage {
  return message
}

/**
 * `input` with the earlier answers that name a job sent as that job's tool rounds and then their
 * text (an answer with no text: the rounds only); `jobId` is dropped from every message.
 */
export async function withEarlierToolOutcomes(context: JobsRouteContext, input: CreateJobInput): Promise<CreateJobInput> {
  if (input.request.type !== 'chat') return input
  const messages = input.request.messages as NamedChatMessage[]
  if (!messages.some(message => message.jobId !== undefined)) return input
  const { limits } = context.config
  const storable = context.engine.provider.maxRequestBytes
  const maxBytes = Math.min(limits.maxBodyBytes, storable === undefined ? Infinity : storable - REQUEST_ROOM_BYTES)
  let roomMessages = limits.maxMessages - messages.length
  // A history sent over it (the AI SDK route takes one up to limits.maxChatBodyBytes) has no room,
  // and its oldest turns give way for no more than the rounds take.
  let roomBytes = Math.max(0, maxBytes - jsonByteLength(messages.map(plain)))
  const offered = new Set(resolveToolNames(context.engine.tools, context.config, input.request.tools))
  const model = modelOf(context, input.request.model)
  const rounds = new Map<number, ChatMessage[]>()
  // Newest first: the turns the next question most likely follows up on.
  const threadId = input.threadId
  const named: Array<{ index: number, jobId: string }> = []
  const seen = new Set<string>()
  for (let index = messages.length - 1; index >= 0 && threadId && named.length < MAX_EARLIER_JOBS_READ; index--) {
    const { role, jobId } = messages[index]!
    if (role !== 'assistant' || jobId === undefined || seen.has(jobId)) continue
    seen.add(jobId)
    named.push({ index, jobId })
  }
  // A few read ahead, used in order: a read's error surfaces (as before) only when its turn is reached.
  const reads: Array<Promise<ChatMessage[] | null>> = []
  const readAhead = (upTo: number) => {
    for (let next = reads.length; next < Math.min(upTo, named.length); next++) {
      const read = storedRounds(context, named[next]!.jobId, threadId!, offered, model)
      // A read past the turn that ends the expansion is never awaited: its failure is not unhandled.
      read.catch(() => {})
      reads.push(read)
    }
  }
  // The first message sent: the oldest turns give way to a newer answer's rounds.
  let start = 0
  for (let position = 0; position < named.length; position++) {
    const { index } = named[position]!
    // Older than the turns left out for a newer answer's rounds: gone with them (its read, if made
    // ahead, is not waited for, nor its failure taken as the turn's).
    if (index < start) break
    readAhead(position + EARLIER_JOBS_READ_AT_ONCE)
    const stored = await reads[position]!
    if (!stored?.length) continue
    const bytes = jsonByteLength(stored)
    const room = roomFor(messages, start, index, { messages: stored.length - roomMessages, bytes: bytes - roomBytes })
    if (!room) break
    start = room.start
    roomMessages += room.messages - stored.length
    roomBytes += room.bytes - bytes
    rounds.set(index, stored)
  }
  const ids = new Set<string>()
  const sent = messages.slice(start).flatMap((message, kept) => {
    const index = start + kept
    const stored = rounds.has(index) ? uniqueCallIds(rounds.get(index)!, ids) : undefined
    // A named answer with no text (tool calls only) carries nothing without its rounds.
    if (!stored) return message.jobId !== undefined && message.role === 'assistant' && !message.content ? [] : [plain(message)]
    return message.content ? [...stored, plain(message)] : stored
  })
  return { ...input, request: { ...input.request, messages: sent } }
}
