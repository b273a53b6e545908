/**
 * Compression — bytes on the wire for a typical answer (~1,800 chars of Markdown streamed word by
 * word at 100 words/s) with and without gzip, over real HTTP against the built app. gzip is
 * flushed at every SSE frame (Z_SYNC_FLUSH), so each frame costs a few bytes of flush overhead;
 * the rows with batching off show the worst case (one frame per word).
 */
import { decodeStreamEvent } from '../shared/stream-wire.ts'
import { startApp } from './lib/app.ts'
import { startPacedUpstream } from './lib/paced-upstream.ts'
import { report } from './lib/result.ts'
import { createUser } from './lib/sse-viewer.ts'
import { formatBytes, round } from './lib/stats.ts'
import { TYPICAL_ANSWER, TYPICAL_ANSWER_CHUNKS } from './lib/typical-answer.ts'

const CHUNKS_PER_SECOND = 100

interface Row {
  batching: string
  encoding: string
  wireBytes: number
  bodyBytes: number
  frames: number
}

const upstream = await startPacedUpstream({ chunksPerSecond: CHUNKS_PER_SECOND, chunkCount: TYPICAL_ANSWER_CHUNKS.length, textChunks: TYPICAL_ANSWER_CHUNKS })
const rows: Row[] = []
for (const [batching, windowMs] of [['50 ms', '50'], ['off', '0']] as const) {
  const app = await startApp({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_STREAM_BATCH_WINDOW_MS: windowMs })
  try {
    const user = await createUser(app.url)
    // Both encodings watch the same job live, from its start.
    upstream.closeGate()
    const job = await user.createJob()
    const [gzip, identity] = await Promise.all([user.stream(job.streamUrl, { gzip: true, keepFrames: true }), user.stream(job.streamUrl, { keepFrames: true })])
    for (let attempt = 0; !(gzip.counts.snapshot && identity.counts.snapshot && upstream.waiting > 0); attempt++) {
      if (attempt > 2_000) throw new Error('the viewers got no snapshot')
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    upstream.open()
    await Promise.all([gzip.ended, identity.ended])
    for (const [encoding, viewer] of [['gzip', gzip], ['identity', identity]] as const) {
      let content = ''
      for (const frame of viewer.frames) {
        const data: unknown = frame.includes('\ndata: ') ? JSON.parse(frame.slice(frame.indexOf('\ndata: ') + 7)) : null
        if (frame.includes('event: snapshot')) content = (data as { content?: string }).content ?? ''
        else if (frame.includes('event: text-delta')) {
          // Compact on the wire ([offset, text], seq in the id): decoded as the app does.
          const delta = decodeStreamEvent('text-delta', /^id: (.*)$/m.exec(frame)?.[1], data, 0) as { offset: number, text: string } | null
          if (delta) content = content.slice(0, delta.offset) + delta.text
        }
      }
      if (content !== TYPICAL_ANSWER) throw new Error(`the ${encoding} viewer rebuilt different text (${content.length} of ${TYPICAL_ANSWER.length} chars; events ${JSON.stringify(viewer.counts)})`)
      rows.push({ batching, encoding: `${encoding}${viewer.headers['content-encoding'] ? ` (content-encoding: ${viewer.headers['content-encoding']})` : ''}`, wireBytes: viewer.wireBytes(), bodyBytes: viewer.bodyBytes, frames: viewer.frames.length })
    }
  }
  finally {
    await app.stop()
  }
}
await upstream.stop()

const ratio = (batching: string) => {
  const gzip = rows.find(row => row.batching === batching && row.encoding.startsWith('gzip'))!
  const identity = rows.find(row => row.batching === batching && row.encoding.startsWith('identity'))!
  return gzip.wireBytes / identity.wireBytes
}
report({
  id: 'compression',
  title: 'Compression — bytes on the wire for a typical answer',
  tables: [{
    caption: `One answer of ${TYPICAL_ANSWER.length} characters in ${TYPICAL_ANSWER_CHUNKS.length} pieces at ${CHUNKS_PER_SECOND}/s; wire = bytes read from the socket (response headers included)`,
    columns: ['batching', 'encoding', 'frames', 'decoded SSE bytes', 'bytes on the wire', 'wire ÷ identity'],
    rows: rows.map(row => [row.batching, row.encoding, String(row.frames), formatBytes(row.bodyBytes), formatBytes(row.wireBytes), `${round(100 * row.wireBytes / rows.find(other => other.batching === row.batching && other.encoding.startsWith('identity'))!.wireBytes, 0)} %`]),
  }],
  targets: [
    { name: 'gzip shrinks the typical answer (batching on)', target: '< 100 % of identity', measured: `${round(100 * ratio('50 ms'), 0)} %`, met: ratio('50 ms') < 1 },
  ],
  notes: [
    'Both viewers watched the same live job and rebuilt exactly the answer text; gzip is flushed per frame, so frames are not delayed (tests/e2e/compression.test.ts proves it).',
  ],
  data: { rows, gzipRatioBatched: ratio('50 ms'), gzipRatioUnbatched: ratio('off') },
})
