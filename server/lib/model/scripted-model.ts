/**
 * The built-in scripted model: a `fetch` that answers chat-completions requests itself, in the real
 * OpenAI SSE wire format, so the normal client and parser run unchanged when no API key is set.
 * Frames are paced on a TimerSet (the job's, so they are counted; fake-timer friendly) and stop at
 * once when the request aborts.
 */
import { SCRIPTED_MODEL } from '../config'
import type { TimerSet } from '../timers'
import { createTimerSet } from '../timers'
import { abortReason } from './abortable'
import type { FetchLike } from './client'
import { planScriptedTurn } from './scripted-script'
import type { ScriptedRequest, ScriptedTurn } from './scripted-script'

export interface ScriptedFetchOptions {
  /** Milliseconds between frames. @default 40 (config `scripted.chunkIntervalMs`) */
  chunkIntervalMs: number
  /** Characters (code points) of text per frame. @default 6 (config `scripted.chunkChars`) */
  chunkChars: number
  /** Owns the pacing timers. @default a set of its own */
  timers?: TimerSet
}

/** A fetch-compatible function that plays the scripted model. */
export function createScriptedFetch(options: ScriptedFetchOptions): FetchLike {
  const timers = options.timers ?? createTimerSet()
  return async (input, init) => {
    const signal = init.signal ?? undefined
    if (signal?.aborted) throw abortReason(signal)
    if (init.method !== 'POST' || !String(input).endsWith('/chat/completions')) {
      return jsonResponse(404, { error: { message: 'The scripted model only answers POST …/chat/completions' } })
    }
    let request: ScriptedRequest
    try {
      request = JSON.parse(String(init.body)) as ScriptedRequest
      if (!Array.isArray(request.messages)) throw new TypeError('messages must be an array')
    }
    catch (error) {
      return jsonResponse(400, { error: { message: `Invalid request body: ${(error as Error).message}` } })
    }
    const frames = scriptedFrames(request, planScriptedTurn(request), Math.max(1, options.chunkChars))
    return new Response(pacedStream(frames, options.chunkIntervalMs, signal, timers), {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    })
  }
}

/** The SSE frames of one scripted round, exactly as an OpenAI-compatible endpoint sends them. */
export function scriptedFrames(request: ScriptedRequest, turn: ScriptedTurn, chunkChars: number): string[] {
  const id = `chatcmpl-scripted-${request.messages.length}`
  const created = Math.floor(Date.now() / 1000)
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => data({
    id, object: 'chat.completion.chunk', created, model: SCRIPTED_MODEL,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })
  const frames = [': SCRIPTED MODEL\n\n', chunk({ role: 'assistant', content: '' })]
  for (const reasoning of turn.reasoning) frames.push(chunk({ reasoning }))

  let sentChars = 0
  for (const piece of splitCodePoints(turn.text, chunkChars)) {
    if (turn.failAfterChars !== undefined && sentChars >= turn.failAfterChars) {
      // The stream ends right after the error chunk, as OpenRouter's does.
      frames.push(data({ error: { message: 'Scripted failure: the prompt asked the model to fail.', code: 502 } }))
      return frames
    }
    frames.push(chunk({ content: piece }))
    sentChars += piece.length
  }

  turn.calls.forEach((call, index) => {
    const args = JSON.stringify(call.args)
    const half = Math.ceil(args.length / 2)
    const callId = `call_scripted_${request.messages.length}_${index}`
    frames.push(chunk({ tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }))
    // Arguments arrive in fragments, as real endpoints send them.
    for (const part of [args.slice(0, half), args.slice(half)].filter(Boolean)) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }))
    }
  })
  frames.push(chunk({}, turn.calls.length ? 'tool_calls' : 'stop'))

  const promptChars = request.messages.reduce((sum, message) => sum + (message.content?.length ?? 0), 0)
  const completionChars = turn.text.length + turn.reasoning.join('').length + JSON.stringify(turn.calls).length
  const prompt = Math.ceil(promptChars / 4)
  const completion = Math.ceil(completionChars / 4)
  frames.push(data({ id, object: 'chat.completion.chunk', created, model: SCRIPTED_MODEL, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }))
  frames.push('data: [DONE]\n\n')
  return frames
}

function pacedStream(frames: string[], intervalMs: number, signal: AbortSignal | undefined, timers: TimerSet): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let cancelTimer: (() => void) | undefined
  let onAbort: (() => void) | undefined
  const stop = () => {
    cancelTimer?.()
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let index = 0
      onAbort = () => {
        stop()
        controller.error(abortReason(signal!))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const sendNext = () => {
        controller.enqueue(encoder.encode(frames[index++]))
        if (index < frames.length) {
          cancelTimer = timers.timeout(sendNext, intervalMs)
          return
        }
        stop()
        controller.close()
      }
      sendNext()
    },
    cancel() {
      stop()
    },
  })
}

function splitCodePoints(text: string, size: number): string[] {
  const codePoints = Array.from(text)
  const pieces: string[] = []
  for (let index = 0; index < codePoints.length; index += size) pieces.push(codePoints.slice(index, index + size).join(''))
  return pieces
}

function data(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}
