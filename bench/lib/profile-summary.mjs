/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or BENCH_CPU_PROF=<folder> for the app in the
 * benchmarks): self time by function and by area (the layer's own code, Nitro/h3, Node's http and
 * streams, timers, GC, idle), so "where does the time go" has an answer in numbers.
 * Usage: node bench/lib/profile-summary.mjs <file.cpuprofile> [top=40] [--from=<s>] [--to=<s>] [--timeline]
 * --from/--to keep only the samples in that span (seconds from the profile's start), e.g. the
 * streaming part of a fan-out round without the setup; --timeline prints busy ms per second first.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'

const options = Object.fromEntries(process.argv.slice(2).filter(argument => argument.startsWith('--')).map(argument => argument.slice(2).split('=')))
const [file, topArgument] = process.argv.slice(2).filter(argument => !argument.startsWith('--'))
if (!file) {
  console.error('usage: node bench/lib/profile-summary.mjs <file.cpuprofile> [top] [--from=<s>] [--to=<s>] [--timeline]')
  process.exit(1)
}
const top = Number(topArgument ?? 40)
const profile = JSON.parse(readFileSync(file, 'utf8'))
const nodes = new Map(profile.nodes.map(node => [node.id, node]))
const fromMicros = Number(options.from ?? 0) * 1e6
const toMicros = options.to === undefined ? Number.POSITIVE_INFINITY : Number(options.to) * 1e6
// Samples are counted, not weighted by their time deltas: on a loaded machine a delta also
// covers time the process was not running, which would be charged to whatever ran last.
const intervalMicros = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length)
const selfMicros = new Map()
const busyBySecond = []
let atMicros = 0
for (let index = 0; index < profile.samples.length; index++) {
  atMicros += profile.timeDeltas[index] ?? 0
  const id = profile.samples[index]
  if (nodes.get(id).callFrame.functionName !== '(idle)') {
    const second = Math.floor(atMicros / 1e6)
    busyBySecond[second] = (busyBySecond[second] ?? 0) + intervalMicros / 1000
  }
  if (atMicros < fromMicros || atMicros > toMicros) continue
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + intervalMicros)
}
if ('timeline' in options) {
  console.log(`busy ms per second: ${Array.from(busyBySecond, (ms, second) => `${second}:${Math.round(ms ?? 0)}`).join(' ')}\n`)
}

/** Source maps of the bundled server (Nitro writes one next to every chunk), by file URL. */
const maps = new Map()
function sourceMapOf(url) {
  if (!url.startsWith('file://')) return null
  if (!maps.has(url)) {
    const file = `${fileURLToPath(url)}.map`
    maps.set(url, existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : null)
  }
  return maps.get(url)
}

/** The original source file of a bundled frame (a layer file, a package), or its own URL. */
function sourceOf(frame) {
  const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber)
  return entry?.originalSource ? entry.originalSource.replace(/^.*?\/(server\/lib|server\/api|shared|node_modules)\//, '$1/') : frame.url
}

/** Where a frame's code lives, in words. */
function areaOf(frame, source) {
  const { functionName, url } = frame
  if (functionName === '(idle)') return 'idle'
  if (functionName === '(garbage collector)') return 'garbage collector'
  if (functionName === '(program)') return 'V8/native (program)'
  if (/^(server\/lib\/model|shared\/)/.test(source) || source.includes('eventsource-parser')) return 'layer: upstream client (model/*, eventsource-parser)'
  if (/^server\/lib\/executor/.test(source)) return 'layer: executor'
  if (/^server\/lib\/http|^server\/api/.test(source)) return 'layer: http routes + SSE sink'
  if (/^server\/lib/.test(source)) return 'layer: engine (live job, viewers, persist, metrics)'
  if (source.startsWith('node_modules/') || url.includes('/chunks/')) return 'nitro/h3/packages'
  if (/^write(v|Buffer|Utf8String|Latin1String)$/.test(functionName)) return 'socket writes (system calls)'
  if (functionName === 'runMicrotasks') return 'microtask queue'
  if (/node:internal\/crypto/.test(url)) return 'node crypto (session cookie)'
  if (/node:internal\/(timers|process\/task_queues)|node:timers/.test(url)) return 'node timers + microtasks'
  if (/node:(internal\/)?(_http|http)/.test(url)) return 'node http'
  if (/node:(internal\/)?(streams?|net|stream)/.test(url) || url.includes('node:net')) return 'node streams + net'
  if (/node:zlib|node:internal\/zlib/.test(url)) return 'node zlib'
  if (url.startsWith('node:')) return 'node (other)'
  if (url === '') return 'native'
  return 'other js'
}

const byFunction = new Map()
const byArea = new Map()
let total = 0
for (const [id, micros] of selfMicros) {
  const frame = nodes.get(id).callFrame
  total += micros
  const source = sourceOf(frame)
  const key = `${frame.functionName || '(anonymous)'}  ${source.replace(/^.*\/(chunks|node_modules)\//, '$1/')}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
  const area = areaOf(frame, source)
  byArea.set(area, (byArea.get(area) ?? 0) + micros)
}
const busy = total - (byArea.get('idle') ?? 0)
const percent = micros => `${(100 * micros / busy).toFixed(1).padStart(5)} %`
console.log(`profile: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages of busy time)\n`)
console.log('by area')
for (const [area, micros] of [...byArea].filter(([area]) => area !== 'idle').sort((a, b) => b[1] - a[1])) console.log(`  ${percent(micros)}  ${area}`)
console.log(`\ntop ${top} functions by self time`)
for (const [key, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (key.startsWith('(idle)')) continue
  console.log(`  ${percent(micros)}  ${key}`)
}
