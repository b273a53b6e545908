/**
 * Markdown — the demo chat's renderer (markdown-it + highlight.js, demo/app/lib/markdown.ts) on
 * pathological inputs and on a typical answer. The chat renders the whole answer again on every
 * streamed delta, so the time must grow linearly with the size: each shape is rendered at 100, 200
 * and 400 KB and the growth per doubling of the size is reported, from the 100 KB and 400 KB times
 * (linear ≈ 2, quadratic ≈ 4). Times are the best of several runs each after a forced GC, the three
 * sizes taking turns within each run, so a slow phase of a shared machine (or of the JIT) touches
 * all sizes alike instead of one. Also measured:
 * re-rendering a typical answer on every delta while it streams, and the renderer's bundle size.
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { forgetHighlightedCode } from '../demo/app/lib/code-highlight.ts'
import { renderMarkdown } from '../demo/app/lib/markdown.ts'
import { report } from './lib/result.ts'
import type { TargetCheck } from './lib/result.ts'
import { formatBytes, round } from './lib/stats.ts'
import { TYPICAL_ANSWER } from './lib/typical-answer.ts'

/** The sizes each shape renders at, in characters; the growth is read from the first and last. */
const SIZES = [100_000, 200_000, 400_000]
/** Time growth per doubling of the size above this means worse than linear (quadratic would be 4×). */
const MAX_GROWTH = 3
const RUNS = 11
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {})

/** Each shape repeats (or extends) to `size` characters. */
const SHAPES: Record<string, (size: number) => string> = {
  'typical answer (prose, lists, code)': size => TYPICAL_ANSWER.repeat(Math.ceil(size / TYPICAL_ANSWER.length)).slice(0, size),
  'run of *': size => `x${'*'.repeat(size)}`,
  'run of _': size => `x${'_'.repeat(size)}`,
  'unmatched openers **a *b _c': size => '**a *b _c '.repeat(size / 10),
  'run of [ then a link': size => `${'['.repeat(size)}](https://x.y)`,
  'alternating *a': size => '*a'.repeat(size / 2),
  'backtick runs of 1..7': size => Array.from({ length: size / 8 }, (_, index) => `${'`'.repeat(1 + (index % 7))}a`).join(''),
  'HTML and markers mixed': size => '<img src=x onerror=alert(1)>_*`[x](javascript:y)**'.repeat(size / 50),
  'unclosed links [a](': size => '[a]('.repeat(size / 4),
  'bare URLs': size => 'https://a.example/'.repeat(size / 18),
  'table rows': size => `|a|b|\n|-|-|\n${'|x|y|\n'.repeat(size / 6)}`,
  'highlighted code block': size => `\`\`\`ts\n${'const value = compute("x", 42) // note\n'.repeat(size / 40)}\`\`\``,
  'one long word in a ts block': size => `\`\`\`ts\n${'a'.repeat(size)}\n\`\`\``,
}

/** CPU ms `action` takes. */
function cpuMs(action: () => void): number {
  const started = process.cpuUsage()
  action()
  const used = process.cpuUsage(started)
  return (used.user + used.system) / 1000
}

/**
 * Best render time in ms of each text over `RUNS` rounds, each render after a forced GC; the texts
 * take turns within a round. Each render is a first one: the renderer keeps what it rendered for
 * the next streamed piece (the closed blocks of a text's start, lib/markdown-prefixes.ts; the
 * highlighted code blocks, lib/code-highlight.ts), and a render of the same text again would time
 * those lookups, not the render. So every render's text starts with a line of its own (no kept
 * start matches it) and the highlighted blocks are forgotten before it. Wall time of this thread (the render is synchronous; the best of
 * several runs leaves out preemption): the process's CPU time would also count V8's helper threads
 * (concurrent marking), which made the ratios move between 2× and 4.4× from run to run.
 */
function timeRenders(texts: string[]): number[] {
  const best = texts.map(() => Infinity)
  for (let run = 0; run < RUNS; run++) {
    texts.forEach((text, index) => {
      const fresh = `r${run}s${index}\n\n${text}`
      forgetHighlightedCode()
      collectGarbage()
      const started = performance.now()
      renderMarkdown(fresh)
      best[index] = Math.min(best[index]!, performance.now() - started)
    })
  }
  return best
}

// Warm up the JIT on every shape, at the measured sizes, before measuring: with a 10 KB warm-up
// the first shape measured was still being optimised at 100 KB (its time moved 2× between runs).
for (let round = 0; round < 2; round++) {
  for (const make of Object.values(SHAPES)) renderMarkdown(make(SIZES[0]!))
}

const rows: string[][] = []
const growths: Record<string, number> = {}
const doublings = Math.log2(SIZES.at(-1)! / SIZES[0]!)
for (const [name, make] of Object.entries(SHAPES)) {
  const times = timeRenders(SIZES.map(size => make(size)))
  const growth = (times.at(-1)! / times[0]!) ** (1 / doublings)
  growths[name] = growth
  rows.push([name, ...times.map(time => round(time, 2)), `${round(growth, 2)}×`])
}

// Streaming: the answer grows by ~40 characters per delta and is rendered again each time.
const streamed = TYPICAL_ANSWER.repeat(Math.ceil(10_000 / TYPICAL_ANSWER.length)).slice(0, 10_000)
const DELTA_CHARS = 40
let renders = 0
const streamMs = cpuMs(() => {
  for (let end = DELTA_CHARS; end <= streamed.length; end += DELTA_CHARS) {
    renderMarkdown(streamed.slice(0, end), { cursor: true })
    renders++
  }
})

// Bundle: the renderer with markdown-it and highlight.js, minified as a browser bundle would be.
const bundle = await build({ entryPoints: ['demo/app/lib/markdown.ts'], bundle: true, minify: true, write: false, format: 'esm', platform: 'browser', logLevel: 'silent' })
const bundleBytes = bundle.outputFiles[0]!.contents.byteLength
const bundleGzip = gzipSync(bundle.outputFiles[0]!.contents).byteLength

const worst = Object.entries(growths).sort((a, b) => b[1] - a[1])[0]!
const targets: TargetCheck[] = [{
  name: 'Markdown render time growth per doubling of the size (100 → 400 KB), worst shape',
  target: `≤ ${MAX_GROWTH}× (linear ≈ 2×)`,
  measured: `${round(worst[1], 2)}× (${worst[0]})`,
  met: worst[1] <= MAX_GROWTH,
}]

report({
  id: 'markdown',
  title: 'Markdown — the chat renderer on pathological and streamed input',
  tables: [
    { caption: `ms, best of ${RUNS} renders; growth per doubling from the 100 KB and 400 KB times`, columns: ['input shape', ...SIZES.map(size => `${size / 1000} KB`), 'growth per doubling'], rows },
    {
      caption: 'streaming and size',
      columns: ['measure', 'value'],
      rows: [
        [`re-render a 10 KB answer on every ${DELTA_CHARS}-character delta (${renders} renders)`, `${round(streamMs, 0)} CPU ms in all, ${round(streamMs / renders, 2)} ms per render`],
        ['renderer bundle (markdown-it + highlight.js, 10 languages), minified', `${formatBytes(bundleBytes)} (${formatBytes(bundleGzip)} gzip)`],
      ],
    },
  ],
  targets,
  notes: [],
  data: { growths, worst: worst[0], worstGrowth: worst[1], streamMs, renders, bundleBytes, bundleGzip },
})
