/**
 * Model client micro-benchmark: the CPU the server spends per upstream chunk in
 * `createModelClient(...).stream(...)`, measured in one process (process.cpuUsage), without Nitro,
 * the engine or viewers. A local node:http upstream on 127.0.0.1 plays STREAMS parallel streams of
 * CHUNKS content frames, one frame per stream every 1000/RATE ms (each frame its own socket write,
 * as a real model sends tokens). Consumers, each run REPEAT times, interleaved, after a warm-up:
 *   bare http       — node:http request() counting bytes: the floor (upstream + sockets + timers);
 *   relay reader    — what the fan-out bench's bare relay does (bench/lib/upstream-reader.ts): parse, no client;
 *   client (consume) — the model client's push path, the one the engine uses;
 *   client          — the model client as the server builds it (its default transport), iterated;
 *   client (fetch)  — the same client forced onto `fetch` (`options.fetch = globalThis.fetch`);
 *   client (BEFORE_CLIENT) — only with env BEFORE_CLIENT=/path/to/client.ts: another version, same run.
 * "client cost" subtracts the bare floor measured in the same run.
 *
 *   node --experimental-transform-types --no-warnings --import ./bench/lib/register-ts.mjs bench/model-client.ts
 *   (or `npm run bench -- model-client`); env STREAMS=100 CHUNKS=300 RATE=100 REPEAT=3
 */
import { createServer, request as httpRequest } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createModelClient } from '../server/lib/model/client.ts'
import type { ModelClientOptions } from '../server/lib/model/client.ts'
import { report } from './lib/result.ts'
import { readUpstream } from './lib/upstream-reader.ts'
import { round } from './lib/stats.ts'

const STREAMS = Number(process.env.STREAMS ?? 100)
const CHUNKS = Number(process.env.CHUNKS ?? 300)
const RATE = Number(process.env.RATE ?? 100)
const REPEAT = Number(process.env.REPEAT ?? 3)

const frame = (content: string) => `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', model: 'bench/model', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`
const END = `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', model: 'bench/model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`
const FRAME = frame('token-ish text 123 ')

/** The upstream: a single ticker writes the next frame of every open stream. */
async function startUpstream() {
  const streams = new Map<ServerResponse, number>()
  const ticker = setInterval(() => {
    for (const [response, sent] of streams) {
      if (response.destroyed) streams.delete(response)
      else if (sent === CHUNKS) {
        streams.delete(response)
        response.end(END)
      }
      else {
        response.write(FRAME)
        streams.set(response, sent + 1)
      }
    }
  }, 1000 / RATE)
  const server = createServer((incoming, response) => {
    incoming.resume()
    incoming.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.flushHeaders()
      streams.set(response, 0)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => {
      clearInterval(ticker)
      server.closeAllConnections()
      server.close()
    },
  }
}

type Consumer = (url: string) => Promise<number>

/** Reads the raw body and counts frames by their terminator: no parsing, no model client. */
const bare: Consumer = url => new Promise((resolve, reject) => {
  const body = JSON.stringify({ model: 'bench/model', messages: [], stream: true })
  const outgoing = httpRequest(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
    let count = 0
    response.on('data', (bytes: Buffer) => {
      for (let index = bytes.indexOf('\n\n'); index !== -1; index = bytes.indexOf('\n\n', index + 2)) count++
    })
    response.on('end', () => resolve(count - 2))
    response.on('error', reject)
  })
  outgoing.on('error', reject)
  outgoing.end(body)
})

/** What the fan-out bench's bare relay does per chunk: node:http, split `data:` lines, JSON.parse. */
const relayReader: Consumer = url => new Promise((resolve, reject) => {
  let count = 0
  readUpstream(url, {
    text: () => { count++ },
    end: error => (error ? reject(error) : resolve(count)),
  })
})

function clientConsumer(extra: Partial<ModelClientOptions>, create = createModelClient): Consumer {
  return async (url) => {
    const client = create({ baseUrl: url, apiKey: 'sk-bench', firstTokenTimeoutMs: 30_000, stallTimeoutMs: 30_000, maxRetries: 0, retryBaseDelayMs: 100, ...extra })
    let count = 0
    for await (const event of client.stream({ model: 'bench/model', messages: [{ role: 'user', content: 'Hi' }] }, new AbortController().signal)) {
      if (event.type === 'text-delta') count++
    }
    return count
  }
}

/** The engine's path: the same client pushing its events (`consume`), no iteration per event. */
const pushConsumer: Consumer = async (url) => {
  const client = createModelClient({ baseUrl: url, apiKey: 'sk-bench', firstTokenTimeoutMs: 30_000, stallTimeoutMs: 30_000, maxRetries: 0, retryBaseDelayMs: 100 })
  let count = 0
  await client.consume!({ model: 'bench/model', messages: [{ role: 'user', content: 'Hi' }] }, new AbortController().signal, (event) => {
    if (event.type === 'text-delta') count++
  })
  return count
}

const CONSUMERS: Array<{ name: string, consume: Consumer }> = [
  { name: 'bare http', consume: bare },
  { name: 'relay reader', consume: relayReader },
  { name: 'client (consume, the engine\'s path)', consume: pushConsumer },
  { name: 'client', consume: clientConsumer({}) },
  { name: 'client (fetch)', consume: clientConsumer({ fetch: (input, init) => globalThis.fetch(input, init) }) },
]
// BEFORE_CLIENT=/path/to/an/older/client.ts compares another version of the client in the same run.
if (process.env.BEFORE_CLIENT) {
  const before = await import(process.env.BEFORE_CLIENT) as { createModelClient: typeof createModelClient }
  CONSUMERS.push({ name: 'client (BEFORE_CLIENT)', consume: clientConsumer({}, before.createModelClient) })
}

interface Sample { name: string, cpuMicrosPerChunk: number, wallSeconds: number, errors: number }

async function measure(url: string, name: string, consume: Consumer): Promise<Sample> {
  const cpuBefore = process.cpuUsage()
  const began = performance.now()
  const counts = await Promise.all(Array.from({ length: STREAMS }, () => consume(url).catch(() => -1)))
  const wallSeconds = (performance.now() - began) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const errors = counts.filter(count => count !== CHUNKS).length
  return { name, cpuMicrosPerChunk: (cpu.user + cpu.system) / (STREAMS * CHUNKS), wallSeconds, errors }
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!

const upstream = await startUpstream()
for (const { name, consume } of CONSUMERS) await measure(upstream.url, name, consume)
const samples: Sample[] = []
for (let round = 0; round < REPEAT; round++) {
  for (const { name, consume } of CONSUMERS) {
    const sample = await measure(upstream.url, name, consume)
    console.log(`[model-client] ${name}: ${sample.cpuMicrosPerChunk.toFixed(1)} µs CPU per chunk, ${sample.wallSeconds.toFixed(2)} s, errors ${sample.errors}`)
    samples.push(sample)
  }
}
upstream.close()

const floor = median(samples.filter(sample => sample.name === 'bare http').map(sample => sample.cpuMicrosPerChunk))
const rows = CONSUMERS.map(({ name }) => {
  const mine = samples.filter(sample => sample.name === name)
  const perChunk = mine.map(sample => sample.cpuMicrosPerChunk)
  return { name, median: median(perChunk), min: Math.min(...perChunk), max: Math.max(...perChunk), wall: median(mine.map(sample => sample.wallSeconds)), errors: mine.reduce((sum, sample) => sum + sample.errors, 0) }
})

report({
  id: 'model-client',
  title: 'Model client — CPU per upstream chunk (one process)',
  tables: [{
    caption: `${STREAMS} parallel streams × ${CHUNKS} chunks at ${RATE} chunks/s each, ${REPEAT} runs per consumer after a warm-up; CPU is the whole process (upstream included)`,
    columns: ['consumer', 'CPU µs/chunk (median)', 'min–max', 'client cost µs/chunk (− bare)', 'wall s', 'errors'],
    rows: rows.map(row => [row.name, round(row.median), `${round(row.min)}–${round(row.max)}`, row.name === 'bare http' ? '–' : round(row.median - floor), round(row.wall, 2), String(row.errors)]),
  }],
  targets: [{ name: 'model client streams complete', target: '0 errors', measured: String(rows.reduce((sum, row) => sum + row.errors, 0)), met: rows.every(row => row.errors === 0) }],
  notes: ['The bare consumer reads the same sockets without parsing: its CPU is the floor shared by all (upstream writes, timers, TCP).'],
  data: { rows, floor },
})
