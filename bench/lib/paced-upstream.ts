/**
 * An OpenAI-compatible upstream on 127.0.0.1 whose pace the benchmark sets. Every request to
 * `/v1/chat/completions` gets its SSE headers at once and then waits at a gate: `open()` starts
 * every waiting stream (and later ones immediately), so all viewers are attached before the
 * first chunk is written. Chunks are stamped with their send time (see pacer.ts).
 */
import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createPacer } from './pacer.ts'

/** How each stream is played. */
export interface UpstreamPace {
  chunksPerSecond: number
  chunkCount: number
  /** Text sent at full speed before the paced part (e.g. 100 KB for the reconnect bench). */
  preludeChars?: number
  /** Send these pieces in turn instead of stamps (realistic text for the compression bench). */
  textChunks?: string[]
  /** Keep the stream open after the paced chunks until `finishHeld()` (jobs stay running). */
  hold?: boolean
}

function contentFrame(content: string): string {
  return `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', model: 'bench/model', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`
}

function endFrames(): string {
  const finish = { id: 'bench', object: 'chat.completion.chunk', model: 'bench/model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }
  const usage = { id: 'bench', object: 'chat.completion.chunk', model: 'bench/model', choices: [], usage: { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110 } }
  return `data: ${JSON.stringify(finish)}\n\ndata: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`
}

/** Starts the upstream. */
export async function startPacedUpstream(initialPace: UpstreamPace, listenPort = 0) {
  let pace = initialPace
  const pacer = createPacer()
  const waiting: ServerResponse[] = []
  const held = new Set<ServerResponse>()
  const sockets = new Set<Socket>()
  let opened = false
  let requests = 0

  function play(response: ServerResponse) {
    const current = pace
    let sent = 0
    if (current.preludeChars) {
      const piece = 'The quick brown fox jumps over the lazy dog; '.repeat(22).slice(0, 1000)
      for (let written = 0; written < current.preludeChars; written += piece.length) response.write(contentFrame(piece.slice(0, current.preludeChars - written)))
    }
    pacer.add({
      chunksPerSecond: current.chunksPerSecond,
      count: current.chunkCount,
      write: (chunk) => {
        if (response.destroyed) return false
        const pieces = current.textChunks
        response.write(contentFrame(pieces ? pieces[sent++ % pieces.length]! : chunk))
        return true
      },
      done: () => {
        if (current.hold) held.add(response)
        else response.end(endFrames())
      },
    })
  }

  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (text: string) => { body += text })
    request.on('end', () => {
      if (request.url?.startsWith('/control/')) {
        control(request.url.slice('/control/'.length), body)
        response.end(JSON.stringify({ waiting: waiting.length, requests }))
        return
      }
      if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
        response.writeHead(404).end()
        return
      }
      requests++
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      response.flushHeaders()
      if (opened) play(response)
      else waiting.push(response)
    })
  })
  /** The same controls over HTTP, for an upstream run as its own process (bench/lib/upstream-main.ts). */
  function control(action: string, body: string) {
    if (action === 'pace') pace = JSON.parse(body) as UpstreamPace
    else if (action === 'open') open()
    else if (action === 'close-gate') opened = false
    else if (action === 'finish-held') finishHeld()
  }

  function open() {
    opened = true
    for (const response of waiting.splice(0)) play(response)
  }

  function finishHeld() {
    for (const response of held) response.end(endFrames())
    held.clear()
  }

  server.on('connection', (socket) => {
    socket.setNoDelay(true)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.maxConnections = 100_000
  await new Promise<void>(resolve => server.listen(listenPort, '127.0.0.1', 4096, resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests
    },
    get waiting() {
      return waiting.length
    },
    /** Changes the pace of streams started from now on. */
    setPace(next: UpstreamPace) {
      pace = next
    },
    /** Starts every waiting stream, and every later one at once. */
    open,
    /** Ends the held streams (their jobs complete). */
    finishHeld,
    /** Back to gated mode for the next round. */
    closeGate() {
      opened = false
    },
    async stop() {
      pacer.stop()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

/** A paced upstream. */
export type PacedUpstream = Awaited<ReturnType<typeof startPacedUpstream>>
