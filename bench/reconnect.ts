/**
 * P5 — reconnect. A running job holds 100 KB of text (streamed as ~4,500 stamped chunks at
 * 1,000/s, so its log looks like a real one: ~20 merged events per second). Then, many times:
 * a viewer reconnects and we time request → first byte and request → first complete frame
 * (the snapshot, or the replay when it sends Last-Event-ID). Also for the finished job.
 */
import { startApp } from './lib/app.ts'
import { startPacedUpstream } from './lib/paced-upstream.ts'
import { stampedChunk } from './lib/pacer.ts'
import { fullScale, report } from './lib/result.ts'
import type { SseViewer } from './lib/sse-viewer.ts'
import { createUser } from './lib/sse-viewer.ts'
import { formatBytes, percentile, round } from './lib/stats.ts'

const TEXT_BYTES = 100_000
// Every stamp has the same number of digits for the next few centuries.
const CHUNK_CHARS = stampedChunk().length
const CHUNKS_PER_SECOND = 1_000
const SAMPLES = fullScale ? 1_000 : 200
const FIRST_TARGET_P95_MS = 50

async function until(condition: () => boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setImmediate(resolve))
  }
}

const upstream = await startPacedUpstream({ chunksPerSecond: CHUNKS_PER_SECOND, chunkCount: Math.ceil(TEXT_BYTES / CHUNK_CHARS), hold: true })
const app = await startApp({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url })
const user = await createUser(app.url)
const job = await user.createJob()
const watcher = await user.stream(job.streamUrl)
upstream.open()

async function jobState(): Promise<{ lastSeq: number, content: number }> {
  const response = await fetch(`${app.url}/api/jobs/${job.id}`, { headers: { cookie: user.cookie } })
  const body = await response.json() as { job: { lastSeq: number }, state: { content: string } }
  return { lastSeq: body.job.lastSeq, content: body.state.content.length }
}

// Bounded: the upstream sends a fixed number of chunks, then holds the stream open.
let state = await jobState()
for (let attempt = 0; state.content < TEXT_BYTES; attempt++) {
  if (attempt > 1_500) throw new Error('the job never reached 100 KB')
  await new Promise(resolve => setTimeout(resolve, 20))
  state = await jobState()
}
watcher.close()

interface Scenario { name: string, headers?: Record<string, string>, gzip?: boolean, query?: string }

async function sample(scenario: Scenario) {
  const firstByte: number[] = []
  const firstFrame: number[] = []
  let firstEvent = ''
  let bytes = 0
  for (let index = 0; index < SAMPLES; index++) {
    const viewer: SseViewer = await user.stream(`${job.streamUrl}${scenario.query ?? ''}`, { headers: scenario.headers, gzip: scenario.gzip, keepFrames: true })
    await until(() => viewer.frames.some(frame => frame.startsWith('id:') || frame.startsWith('event:')) || viewer.error !== null, 'the first frame')
    firstByte.push(viewer.firstByteAtMs)
    firstFrame.push(viewer.firstFrameAtMs)
    firstEvent = /event: (.*)/.exec(viewer.frames.find(frame => frame.includes('event:')) ?? '')?.[1] ?? '?'
    bytes = viewer.bodyBytes
    viewer.close()
  }
  return { name: scenario.name, firstEvent, bytes, firstByte, firstFrame }
}

const running = await jobState()
const scenarios: Scenario[] = [
  { name: 'running job, no Last-Event-ID (snapshot)' },
  { name: 'running job, no Last-Event-ID, gzip', gzip: true },
  { name: 'running job, Last-Event-ID = last − 3 (short drop)', headers: { 'last-event-id': String(running.lastSeq - 3) } },
  { name: 'running job, Last-Event-ID = 2 (replay of ~all)', headers: { 'last-event-id': '2' } },
]
const samples = []
for (const scenario of scenarios) samples.push(await sample(scenario))

upstream.finishHeld()
for (let attempt = 0; ; attempt++) {
  const response = await fetch(`${app.url}/api/jobs/${job.id}`, { headers: { cookie: user.cookie } })
  const body = await response.json() as { job: { status: string } }
  if (body.job.status === 'completed') break
  if (attempt > 500) throw new Error('the job did not complete')
  await new Promise(resolve => setTimeout(resolve, 20))
}
samples.push(await sample({ name: 'finished job, no Last-Event-ID (snapshot + job-end)' }))
await app.stop()
await upstream.stop()

const snapshotP95 = percentile(samples[0]!.firstFrame, 0.95)
const replayP95 = percentile(samples[2]!.firstFrame, 0.95)
report({
  id: 'reconnect',
  title: 'P5 — reconnect to a job with 100 KB of text',
  tables: [{
    caption: `${SAMPLES} sequential reconnects per row; job log: ${running.lastSeq} events, ${formatBytes(running.content)} of text; times from request start, measured by the client`,
    columns: ['reconnect', 'first frame', 'frame bytes', 'first byte p50 (ms)', 'p95 (ms)', 'first frame complete p50 (ms)', 'p95 (ms)'],
    rows: samples.map(result => [result.name, result.firstEvent, formatBytes(result.bytes), round(percentile(result.firstByte, 0.5), 2), round(percentile(result.firstByte, 0.95), 2), round(percentile(result.firstFrame, 0.5), 2), round(percentile(result.firstFrame, 0.95), 2)]),
  }],
  targets: [
    { name: 'reconnect without Last-Event-ID → complete 100 KB snapshot, p95', target: `≤ ${FIRST_TARGET_P95_MS} ms (our bar; the issue sets none)`, measured: `${round(snapshotP95, 1)} ms`, met: snapshotP95 <= FIRST_TARGET_P95_MS },
    { name: 'reconnect with Last-Event-ID → first replayed frame, p95', target: `≤ ${FIRST_TARGET_P95_MS} ms (our bar)`, measured: `${round(replayP95, 1)} ms`, met: replayP95 <= FIRST_TARGET_P95_MS },
  ],
  notes: [
    'Each reconnect is a new TCP connection plus the cookie check, the ownership check and the catch-up; the stream headers and the first frame are written together.',
  ],
  data: { samples: samples.map(result => ({ name: result.name, firstEvent: result.firstEvent, bytes: result.bytes, firstByteP50: percentile(result.firstByte, 0.5), firstByteP95: percentile(result.firstByte, 0.95), firstFrameP50: percentile(result.firstFrame, 0.5), firstFrameP95: percentile(result.firstFrame, 0.95) })), lastSeq: running.lastSeq, contentChars: running.content },
})
