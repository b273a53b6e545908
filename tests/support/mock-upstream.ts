/**
 * A real OpenAI-compatible upstream on 127.0.0.1 (random port) for e2e and fault tests.
 * Each request to `…/chat/completions` plays the next scripted turn (the last one repeats),
 * so "429 then 200", "500 forever", stalls, bad JSON and dropped connections are one line each.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { keepingIdleConnections } from './idle-connections'

/** A normal streamed answer, optionally cut short by one of the fault fields. */
export interface MockStreamTurn {
  /** Text pieces, one content chunk each. @default ['Hello', ' from', ' the mock', ' upstream.'] */
  chunks?: string[]
  reasoning?: string[]
  /** The delta field the reasoning goes in: OpenRouter's `reasoning`, or DeepSeek's and Kimi's `reasoning_content`. @default 'reasoning' */
  reasoningField?: 'reasoning' | 'reasoning_content'
  /** Tool calls, sent as fragments after the text (arguments split in two). */
  toolCalls?: Array<{ id?: string, name: string, arguments?: string }>
  /** Milliseconds before each frame. @default 5 */
  delayMs?: number
  /** @default 'tool_calls' with tool calls, else 'stop' */
  finishReason?: string | null
  usage?: { prompt_tokens: number, completion_tokens: number, total_tokens: number }
  /** Comment lines first, e.g. 'OPENROUTER PROCESSING'. */
  comments?: string[]
  /** Write this many data frames, then go silent (the socket stays open until close()). */
  hangAfterChunks?: number
  /** Write this many data frames, then wait for `resume` before the rest (a test holds the job mid-answer). */
  pauseAfterChunks?: number
  resume?: Promise<void>
  /** Write this many data frames, then an `{"error":…}` chunk, then end. */
  errorChunkAfter?: number
  errorMessage?: string
  /** Write this many data frames, then destroy the socket. */
  closeAfterChunks?: number
  /** Leave out `data: [DONE]`. */
  omitDone?: boolean
}

/** A plain (non-stream) response, e.g. `{ status: 429, headers: { 'retry-after': '1' } }`. */
export interface MockStatusTurn {
  status: number
  body?: string
  headers?: Record<string, string>
}

/** Exactly these SSE lines (each followed by a blank line), e.g. an invalid JSON chunk. */
export interface MockRawTurn {
  rawLines: string[]
  delayMs?: number
}

export type MockTurn = MockStreamTurn | MockStatusTurn | MockRawTurn

/** What the mock saw of one request. */
export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  /** The parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined
  /** True once the client went away before the response ended. */
  aborted: boolean
}

/** Chooses the turn for a request (index counts from 0). */
export type MockHandler = (request: RecordedRequest, index: number) => MockTurn | Promise<MockTurn>

export interface MockUpstream {
  /** Base URL including `/v1`. */
  url: string
  requests: RecordedRequest[]
  /** Appends turns to the script. */
  enqueue(...turns: MockTurn[]): void
  close(): Promise<void>
}

/** The user message of a recorded request ('' when it has none). */
export function userMessageOf(request: RecordedRequest): string {
  const messages = (request.body?.messages ?? []) as Array<{ role: string, content: string }>
  return messages.find(message => message.role === 'user')?.content ?? ''
}

/** The last user message of a request and how many tool results follow it (the round within that turn). */
export function lastTurnOf(request: RecordedRequest): { prompt: string, toolResults: number } {
  const messages = (request.body?.messages ?? []) as Array<{ role: string, content: string | null }>
  const lastUser = messages.findLastIndex(message => message.role === 'user')
  return { prompt: messages[lastUser]?.content ?? '', toolResults: messages.slice(lastUser).filter(message => message.role === 'tool').length }
}

/**
 * A mock that plays named scenarios: a job's user message is `<suite>:<scenario>:<unique>`, and
 * `scenarios[scenario](attempt)` answers that job's `attempt`-th request (0, 1, … — a retry, or the
 * round after a tool call). An unknown scenario gets the default answer.
 */
export async function startScenarioUpstream(scenarios: Record<string, (attempt: number) => MockTurn>): Promise<MockUpstream> {
  const attempts = new Map<string, number>()
  return await startMockUpstream((request) => {
    const tag = userMessageOf(request)
    const attempt = attempts.get(tag) ?? 0
    attempts.set(tag, attempt + 1)
    return scenarios[tag.split(':')[1] ?? '']?.(attempt) ?? {}
  })
}

/** A scenario that asks for tool `name`, then (once it answered) says `Recovered.` */
export function callToolThenRecover(name: string): (attempt: number) => MockTurn {
  return attempt => attempt === 0 ? { chunks: ['Calling. '], toolCalls: [{ name, arguments: '{}' }] } : { chunks: ['Recovered.'] }
}

/** Starts the mock. Without a handler every request gets a short default answer. */
export async function startMockUpstream(handler: MockTurn[] | MockHandler = []): Promise<MockUpstream> {
  const turns = Array.isArray(handler) ? [...handler] : []
  const choose: MockHandler = typeof handler === 'function'
    ? handler
    : (_request, index) => turns[Math.min(index, turns.length - 1)] ?? {}
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const wait = (delayMs: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      resolve()
    }, delayMs)
    timers.add(timer)
  })

  const server = keepingIdleConnections(createServer((incoming, outgoing) => {
    void handle(incoming, outgoing).catch(() => outgoing.destroy())
  }))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const text = await readBody(incoming)
    const recorded: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body: parseJson(text), aborted: false }
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) recorded.aborted = true
    })
    if (recorded.method !== 'POST' || !recorded.path.endsWith('/chat/completions')) {
      outgoing.writeHead(404).end('not found')
      return
    }
    const index = requests.push(recorded) - 1
    const turn = await choose(recorded, index)
    if ('status' in turn) {
      outgoing.writeHead(turn.status, { 'content-type': 'application/json', ...turn.headers }).end(turn.body ?? JSON.stringify({ error: { message: `mock status ${turn.status}` } }))
      return
    }
    outgoing.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    outgoing.flushHeaders()
    const live = () => !outgoing.destroyed && !outgoing.writableEnded
    if ('rawLines' in turn) {
      for (const line of turn.rawLines) {
        await wait(turn.delayMs ?? 5)
        if (!live()) return
        outgoing.write(`${line}\n\n`)
      }
      outgoing.end()
      return
    }
    await playStream(turn, outgoing, wait, live)
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...more) => turns.push(...more),
    async close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

async function playStream(turn: MockStreamTurn, outgoing: ServerResponse, wait: (delayMs: number) => Promise<void>, live: () => boolean): Promise<void> {
  for (const comment of turn.comments ?? []) outgoing.write(`: ${comment}\n\n`)
  const frames = streamFrames(turn)
  for (let index = 0; index <= frames.length; index++) {
    if (index === turn.hangAfterChunks) return
    if (index === turn.pauseAfterChunks) await turn.resume
    if (index === turn.closeAfterChunks) {
      outgoing.socket?.destroy()
      return
    }
    if (index === turn.errorChunkAfter) {
      outgoing.end(`data: ${JSON.stringify({ error: { message: turn.errorMessage ?? 'Mock upstream error', code: 502 } })}\n\n`)
      return
    }
    if (index === frames.length) break
    await wait(turn.delayMs ?? 5)
    if (!live()) return
    // Wait for the flush, so a socket destroyed next does not drop frames already "sent".
    await new Promise<void>(resolve => outgoing.write(frames[index], () => resolve()))
  }
  outgoing.end(turn.omitDone ? undefined : 'data: [DONE]\n\n')
}

/** The data frames of a streamed turn (without `[DONE]`). */
export function streamFrames(turn: MockStreamTurn): string[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', model: 'mock/model', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
  const frames: string[] = []
  for (const reasoning of turn.reasoning ?? []) frames.push(chunk({ [turn.reasoningField ?? 'reasoning']: reasoning }))
  for (const content of turn.chunks ?? ['Hello', ' from', ' the mock', ' upstream.']) frames.push(chunk({ content }))
  ;(turn.toolCalls ?? []).forEach((call, index) => {
    const args = call.arguments ?? ''
    const half = Math.ceil(args.length / 2)
    frames.push(chunk({ tool_calls: [{ index, id: call.id ?? `call_mock_${index}`, type: 'function', function: { name: call.name, arguments: args.slice(0, half) } }] }))
    if (args.length > half) frames.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }))
  })
  const finishReason = turn.finishReason === undefined ? (turn.toolCalls?.length ? 'tool_calls' : 'stop') : turn.finishReason
  frames.push(chunk({}, finishReason))
  const usage = turn.usage ?? { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 }
  frames.push(`data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', model: 'mock/model', choices: [], usage })}\n\n`)
  return frames
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    incoming.on('data', (part: Buffer) => parts.push(part))
    incoming.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    incoming.on('error', reject)
  })
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>
  }
  catch {
    return undefined
  }
}
