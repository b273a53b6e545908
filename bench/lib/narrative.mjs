/**
 * The prose of docs/performance.md: for each benchmark, what was measured and what its numbers
 * mean, written from the measured data (so a rerun never leaves stale claims behind).
 */

// 1000-based, like the tables (bench/lib/stats.ts formatBytes).
const kb = bytes => `${(bytes / 1000).toFixed(1)} KB`
const ms = value => `${Number(value).toFixed(1)} ms`
const times = value => `${Number(value).toFixed(1)}×`
const us = milliseconds => `${Math.round(Number(milliseconds) * 1000)} µs`
const times2 = value => `${Number(value).toFixed(2)}×`

/** Paragraphs for one benchmark result. */
export function narrative(result) {
  const data = result.data
  const missed = result.targets.filter(check => !check.met)
  const verdict = missed.length === 0
    ? 'Every target of this part was met.'
    : `Missed: ${missed.map(check => `${check.name} (${check.measured}, target ${check.target})`).join('; ')}.`
  switch (result.id) {
    case 'memory': return [
      `The engine ran in-process (memory provider, a runner that streams 20 deltas over ~80 ms, real timers and the real 50 ms batch window, one viewer on every fourth job). ${data.totalJobs.toLocaleString('en')} jobs ran to completion in ${data.runSeconds.toFixed(1)} s; then the clock was moved past retention, cleanup ran, and the heap was measured after forced GC. The heap grew by ${kb(data.growth)} over the warmed-up baseline, and the engine and provider counted no run, viewer, timer, listener or stored event left behind; \`process.getActiveResourcesInfo()\` showed no new timer or handle. ${verdict}`,
      `While jobs are inside retention they are meant to stay: ${kb(data.perRetainedJob)} per finished job (its event log and final state, for replay). A running job costs about ${kb(data.perActiveJob)} of heap (state, event log, run record, AbortController, timers, with ~600 characters streamed so far) and each attached viewer about ${kb(data.perViewer)} more.`,
    ]
    case 'batching': {
      const rows = data.results
      const find = (part, rate, on) => rows.find(row => row.part === part && row.rate === rate && row.mode.startsWith(on ? 'batching on' : 'batching off'))
      const rateRates = [...new Set(rows.filter(row => row.part === 'rate').map(row => row.rate))]
      const idleRates = [...new Set(rows.filter(row => row.part === 'idle').map(row => row.rate))]
      const quiet = idleRates[0]
      const busy = idleRates.at(-1)
      const added = (part, rate, key) => find(part, rate, true)[key] - find(part, rate, false)[key]
      return [
        `One job streamed stamped pieces at ${rateRates.join(' and ')} pieces/s to three viewers over HTTP; each piece carries the time the upstream wrote it, so the viewer computes the whole delivery latency (upstream → server → engine → SSE → viewer). Every round runs again on a second server with batching off. With the 50 ms window each viewer got ${rateRates.map(rate => find('rate', rate, true).eventsPerSecond.toFixed(1)).join(' and ')} text events per second (at most ${rateRates.map(rate => find('rate', rate, true).maxEventsInSecond).join(' and ')} in any second), and the p99 latency was ${rateRates.map(rate => ms(find('rate', rate, true).p99)).join(' and ')} against ${rateRates.map(rate => ms(find('rate', rate, false).p99)).join(' and ')} unbatched. ${verdict}`,
        `The window has a leading edge. Ten jobs with two viewers each streamed a piece every ${Math.round(1000 / quiet)} ms (every piece after a quiet window): batching added ${ms(added('idle', quiet, 'p50'))} at p50 and ${ms(added('idle', quiet, 'p99'))} at p99, because such a piece goes out at the end of the event-loop turn it arrived in. At ${busy} pieces/s (continuous) the window works as before and added ${ms(added('idle', busy, 'p50'))} at p50 and ${ms(added('idle', busy, 'p99'))} at p99: with at most 20 events per second, a piece waits for the event that carries it. Every viewer received every piece exactly once in every mode.`,
      ]
    }
    case 'fanout': {
      const rows = data.results
      const pick = (system, jobs, gzip = false) => rows.find(row => row.system === system && row.jobs === jobs && row.gzip === gzip)
      const sizes = [...new Set(rows.map(row => row.jobs))]
      const smallest = sizes[0]
      const largest = sizes.at(-1)
      const cpu = row => row.cpuSeconds * 1e6 / row.pieces
      const bytes = row => row.wireBytes / row.pieces
      const ratios = (measure, system) => sizes.filter(jobs => pick(system, jobs)).map(jobs => times2(measure(pick('layer', jobs)) / measure(pick(system, jobs)))).join(', ')
      const resumable = pick('resumable-stream + Redis', smallest)
      const before = pick('layer (before)', smallest)
      const layerLargest = pick('layer', largest)
      const relayLargest = pick('bare relay', largest)
      const gzipLayer = pick('layer', smallest, true)
      const gzipRelay = pick('bare relay', smallest, true)
      return [
        `N streams (${sizes.join(', ')}) each relayed one upstream response (pieces at 50/s) to two viewers, and every system read the same upstream process over node:http. Against a bare node:http relay that does only what any relay must (parse the upstream, batch in the same window, write \`id:\` and the text), the layer's CPU per delivered piece was ${ratios(cpu, 'bare relay')} at ${sizes.join(', ')} streams, its bytes per piece ${ratios(bytes, 'bare relay')} (${bytes(pick('layer', smallest)).toFixed(1)} vs ${bytes(pick('bare relay', smallest)).toFixed(1)} B at ${smallest} streams${gzipLayer && gzipRelay ? `; with gzip ${bytes(gzipLayer).toFixed(1)} vs ${bytes(gzipRelay).toFixed(1)} B` : ''}), and its p99 latency ${ratios(row => row.p99, 'bare relay')}.${before ? ` Against an older build of the layer (\`BENCH_BEFORE_APP\`, the "layer (before)" rows), in the same run: CPU per piece ${ratios(cpu, 'layer (before)')}, bytes per piece ${ratios(bytes, 'layer (before)')}, p99 ${ratios(row => row.p99, 'layer (before)')}.` : ''}${resumable ? ` Against resumable-stream on Redis (its Node server plus redis-server): CPU per piece ${ratios(cpu, 'resumable-stream + Redis')}, p99 ${ratios(row => row.p99, 'resumable-stream + Redis')}.` : ''} ${verdict}`,
        `At ${largest} streams the two cores carry the server, the upstream process (${largest * 50} piece writes/s) and ${largest * 2} viewers (the machine was ${Math.round(100 * layerLargest.machineBusy)} % busy during the layer's round), so latency there measures how the box degrades as much as the server: the layer's p50/p99 were ${ms(layerLargest.p50)} / ${ms(layerLargest.p99)} against the relay's ${ms(relayLargest.p50)} / ${ms(relayLargest.p99)}, with ${layerLargest.lost} lost and ${layerLargest.duplicated} duplicated pieces.${resumable ? ` resumable-stream has no batching (one event per piece), so with few streams its median latency is lowest (${ms(resumable.p50)} at ${smallest} streams); every piece costs one Redis PUBLISH per viewer, and at ${largest} streams its p50 was ${ms(pick('resumable-stream + Redis', largest).p50)} and the round took ${pick('resumable-stream + Redis', largest).seconds.toFixed(1)} s for ${data.streamSeconds} s of streams.` : ''}`,
      ]
    }
    case 'multi-instance': {
      const rows = data.results
      const pick = (system, jobs) => rows.find(row => row.system.startsWith(system) && row.jobs === jobs)
      const sizes = [...new Set(rows.map(row => row.jobs))]
      const perMb = row => row.cpuSeconds / row.megabytes
      const perChunk = row => row.cpuSeconds / (row.jobs * 2 * data.chunkCount) * 1e6
      const list = (format, system) => sizes.map(jobs => format(pick(system, jobs))).join(', ')
      return [
        `N jobs (${sizes.join(', ')}) each streamed chunks at 50/s to two viewers, one on each of two server processes, so half the viewers follow a job that runs on the other process. On Redis, the layer's p99 was ${list(row => ms(row.p99), 'layer ×2')} against ${list(row => ms(row.p99), 'layer ×1')} for one process on the memory provider in the same run (${sizes.map(jobs => times(pick('layer ×2', jobs).p99 / pick('layer ×1', jobs).p99)).join(', ')}), with ${sizes.map(jobs => pick('layer ×2', jobs).lost + pick('layer ×2', jobs).duplicated).join(', ')} chunks lost or duplicated. ${verdict}`,
        `CPU (the server processes plus redis-server) per MB delivered: layer ×2 ${list(row => perMb(row).toFixed(3), 'layer ×2')} s/MB, resumable-stream ×2 ${list(row => perMb(row).toFixed(3), 'resumable')} s/MB. Per delivered chunk, which does not reward sending more bytes for the same text (resumable-stream sends one frame per chunk, the layer one per 50 ms batch): layer ×2 ${list(row => `${perChunk(row).toFixed(1)} µs`, 'layer ×2')}, resumable-stream ×2 ${list(row => `${perChunk(row).toFixed(1)} µs`, 'resumable')}.`,
      ]
    }
    case 'reconnect': {
      const samples = data.samples
      const find = prefix => samples.find(sample => sample.name.startsWith(prefix))
      const snapshot = find('running job, no Last-Event-ID (snapshot)')
      const short = find('running job, Last-Event-ID = last')
      const replay = find('running job, Last-Event-ID = 2')
      return [
        `A running job with ${(data.contentChars / 1000).toFixed(0)} KB of text in ${data.lastSeq} events; each row is a fresh connection (new TCP connection, cookie, ownership check, catch-up). Without Last-Event-ID the first frame is the whole snapshot: p50 ${ms(snapshot.firstFrameP50)}, p95 ${ms(snapshot.firstFrameP95)} until it is completely received. With Last-Event-ID only the missed events are sent: after a short drop the first frame is complete in p50 ${ms(short.firstFrameP50)} / p95 ${ms(short.firstFrameP95)}; replaying almost the whole log (merged into one delta, as the live path merges) takes p50 ${ms(replay.firstFrameP50)} / p95 ${ms(replay.firstFrameP95)}. ${verdict}`,
      ]
    }
    case 'compression': {
      const wire = (batching, encoding) => data.rows.find(row => row.batching === batching && row.encoding.startsWith(encoding)).wireBytes
      return [
        `A typical answer (Markdown, streamed word by word) went live to two viewers of the same job, one sending \`Accept-Encoding: gzip\`. With the 50 ms batching, gzip put ${Math.round(100 * data.gzipRatioBatched)} % of the plain bytes on the wire (${kb(wire('50 ms', 'gzip'))} instead of ${kb(wire('50 ms', 'identity'))}); with batching off (one frame per word) ${Math.round(100 * data.gzipRatioUnbatched)} % (${kb(wire('off', 'gzip'))} instead of ${kb(wire('off', 'identity'))}). The relative saving is larger without batching because the repeated frame headers compress well, but batching and gzip together send the fewest bytes. gzip is flushed at every frame (Z_SYNC_FLUSH), so no frame waits for the next; tests/e2e/compression.test.ts checks that and that the decoded frames equal the plain ones. ${verdict}`,
      ]
    }
    case 'telemetry': {
      const [none, traced, disabled] = data.rows
      const percent = row => `${row.median >= none.median ? '+' : ''}${(100 * (row.median - none.median) / none.median).toFixed(0)} %`
      return [
        `${data.jobs} chat jobs at a time ran in one process on the memory provider with an in-process model (2 rounds, 2 tool calls, 40 text deltas each, no network, no viewers), so the engine's own CPU is all there is to measure. With no tracing SDK registered a job took ${Math.round(none.median)} µs of CPU (median of the waves); the tracing calls a job makes then — all no-ops of the OpenTelemetry API — measured alone cost ${data.noopMicros.toFixed(2)} µs per job, ${(100 * data.noopMicros / none.median).toFixed(2)} % of it. With an SDK registered and the job's 5 spans recorded: ${Math.round(traced.median)} µs (${percent(traced)}); with the SDK registered but \`telemetry.enabled = false\`: ${Math.round(disabled.median)} µs (${percent(disabled)}: the SDK's context manager alone${disabled.median >= none.min && disabled.median <= none.max ? ', within the spread of the no-SDK waves' : ''}). ${verdict}`,
        `Read the traced row as an upper bound for a job that does almost nothing else: ${Math.round((traced.median - none.median) / 5)} µs per span, creation, context switches and the batch processor included. A job against a real model spends far more CPU on the upstream stream alone (the model client section: tens of µs per chunk, a few hundred chunks per answer) and on its viewers, so the same spans are a small fraction of it. The waves are interleaved and the machine is shared, so the spread between waves is wide: compare rows of the same run.`,
      ]
    }
    case 'markdown': return [
      `The demo chat renders an answer's Markdown (markdown-it with highlight.js, demo/app/lib/markdown.ts) again on every streamed delta, so its cost must grow linearly with the text. Each input shape — a typical answer and the classic pathological ones (long runs of emphasis markers, brackets, backticks, raw HTML mixed with markers) — was rendered at 100 KB and 200 KB in-process; the worst growth was ${times(data.worstGrowth)} (${data.worst}), where linear is 2× and quadratic 4×. Times are CPU time of the benchmark process, the best of several runs after a forced GC, so other work on the machine barely moves the ratio. ${verdict}`,
      `Streaming a 10 KB answer and rendering it again after every 40 characters took ${ms(data.streamMs / data.renders)} per render (${data.renders} renders). The renderer with its libraries is ${kb(data.bundleBytes)} minified (${kb(data.bundleGzip)} gzip), loaded with the chat page.`,
    ]
    case 'isolation': {
      const row = (payload, mode) => data.rows.find(entry => entry.payload === payload && entry.mode.startsWith(mode))
      const small = data.overhead[0]
      const large = data.overhead[1]
      return [
        `The same trivial tool ran through \`executeToolCall\` ${data.calls.toLocaleString('en')} times per row, in-process and isolated (one warm worker, loaded from the built fixture app's worker chunk). With three words of arguments an isolated call took p50 ${us(row(small.payload, 'isolated').p50)} / p99 ${us(row(small.payload, 'isolated').p99)} against ${us(row(small.payload, 'in-process').p50)} / ${us(row(small.payload, 'in-process').p99)} in-process: ${us(small.p50)} more at the median (${us(small.p99)} at p99), ${us(large.p50)} more with 10 KB of arguments. ${verdict}`,
        'That is the price of the hard limits: a message to the worker and back, the arguments parsed again by the tool\'s schema inside the worker, the result sent back as JSON text. It does not depend on what the tool does, so it matters only for tools that are themselves sub-millisecond; a cold pool adds the worker start (tens of milliseconds) once. Tools that call the network or take seconds are the ones worth isolating, and for them it is noise.',
      ]
    }
    default: return [verdict]
  }
}
