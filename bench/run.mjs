/**
 * `npm run bench` — runs every benchmark (or the ones named: `npm run bench -- fanout reconnect`),
 * each in its own Node process, prints their tables and writes docs/performance.md with the date,
 * Node version, machine, the targets met or missed, the tables and what the numbers mean.
 * BENCH_SCALE=full runs bigger sizes. Loopback traffic only.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { narrative } from './lib/narrative.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TS_FLAGS = ['--experimental-transform-types', '--no-warnings', '--import', './bench/lib/register-ts.mjs']
const BENCHMARKS = [
  { id: 'memory', file: 'bench/memory.ts', flags: ['--expose-gc'] },
  { id: 'batching', file: 'bench/batching.ts', flags: [] },
  { id: 'fanout', file: 'bench/fanout.ts', flags: [] },
  { id: 'multi-instance', file: 'bench/multi-instance.ts', flags: [] },
  { id: 'reconnect', file: 'bench/reconnect.ts', flags: [] },
  { id: 'compression', file: 'bench/compression.ts', flags: [] },
  { id: 'model-client', file: 'bench/model-client.ts', flags: [] },
  { id: 'telemetry', file: 'bench/telemetry.ts', flags: ['--expose-gc'] },
  { id: 'markdown', file: 'bench/markdown.ts', flags: ['--expose-gc'] },
  { id: 'isolation', file: 'bench/isolation.ts', flags: [] },
]

const wanted = process.argv.slice(2)
const selected = wanted.length ? BENCHMARKS.filter(bench => wanted.includes(bench.id)) : BENCHMARKS
const resultsDir = mkdtempSync(join(tmpdir(), 'bgjobs-bench-'))
const startedAt = new Date()

function run(args, env = {}) {
  return spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } })
}

// One build for every script (the layer's sources may change meanwhile; all scripts measure the same build).
if (run([...TS_FLAGS, 'bench/build.ts']).status !== 0) process.exit(1)

const results = []
const failures = []
for (const bench of selected) {
  const file = join(resultsDir, `${bench.id}.json`)
  const began = performance.now()
  const { status } = run([...bench.flags, ...TS_FLAGS, bench.file], { BENCH_RESULT_FILE: file, BENCH_APP_BUILT: '1' })
  const seconds = (performance.now() - began) / 1000
  // A benchmark that exits 0 without its result (e.g. a partial BENCH_FANOUT_SYSTEMS) has printed its tables; it just adds nothing to the document.
  const wrote = status === 0 && existsSync(file)
  console.log(`[bench] ${bench.id}: ${status !== 0 ? `FAILED (exit ${status})` : wrote ? 'done' : 'done (no result for the document)'} in ${seconds.toFixed(1)} s`)
  if (wrote) results.push(JSON.parse(readFileSync(file, 'utf8')))
  else failures.push(bench.id)
}
rmSync(resultsDir, { recursive: true, force: true })

if (wanted.length === 0 && failures.length === 0) {
  writeFileSync(join(ROOT, 'docs/performance.md'), document(results))
  console.log('[bench] wrote docs/performance.md')
}
else {
  console.log('[bench] docs/performance.md not rewritten (a subset ran, or a benchmark failed)')
}
if (failures.length) process.exit(1)

function renderTable(table) {
  const widths = table.columns.map((column, index) => Math.max(column.length, ...table.rows.map(row => (row[index] ?? '').length)))
  const line = cells => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`
  return [`*${table.caption}*`, '', line(table.columns), `|${widths.map(width => '-'.repeat(width + 2)).join('|')}|`, ...table.rows.map(line)].join('\n')
}

function document(all) {
  const cpu = cpus()
  const minutes = ((Date.now() - startedAt.getTime()) / 60_000).toFixed(1)
  const targets = all.flatMap(result => result.targets.map(check => ({ ...check, title: result.title })))
  const lines = [
    '# Performance',
    '',
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench\`${process.env.BENCH_SCALE === 'full' ? ' (BENCH_SCALE=full)' : ''} — Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, Linux; the whole run took ${minutes} min.`,
    'Every server runs as its own process on 127.0.0.1; the benchmark process is the load generator. The machine is shared',
    '(other work may run at the same time), so read the **ratios** between systems measured in the same run rather than',
    'the absolute figures. Regenerate this file with `npm run bench`; `BENCH_SCALE=full npm run bench` runs bigger sizes.',
    '',
    '## Targets',
    '',
    renderTable({ caption: 'From issues 7, 12, 16, 17 and 18 (the issue column names the one that set a target, where a benchmark says)', columns: ['', 'issue', 'measure', 'target', 'measured'], rows: targets.map(check => [check.met ? 'met' : '**missed**', check.issue ? String(check.issue) : '', check.name, check.target, check.measured]) }),
    '',
  ]
  for (const result of all) {
    lines.push(`## ${result.title}`, '', ...narrative(result).map(paragraph => `${paragraph}\n`))
    for (const table of result.tables) lines.push(renderTable(table), '')
    if (result.notes.length) lines.push(...result.notes.map(note => `- ${note}`), '')
    // Measurements made by hand (CPU profiles, before/after runs) that the scripts do not repeat.
    const handNotes = join(ROOT, 'bench', 'notes', `${result.id}.md`)
    if (existsSync(handNotes)) lines.push(readFileSync(handNotes, 'utf8').trim(), '')
  }
  lines.push('## How to run', '', '```sh', 'npm run bench                      # everything, ~5 min on 2 cores; rewrites this file', 'npm run bench -- fanout reconnect  # a subset (prints tables, leaves this file alone)', 'BENCH_SCALE=full npm run bench     # bigger sizes and longer streams', '```', '')
  lines.push('Fan-out knobs for looking closer: `BENCH_FANOUT_JOBS=100,500`, `BENCH_FANOUT_SECONDS=10`, `BENCH_FANOUT_SYSTEMS=layer,relay` (also `resumable`, `gzip`); `BENCH_BEFORE_APP=<a built server/index.mjs>` adds an older build of the layer to the same run; `BENCH_CPU_PROF=<folder>` writes a V8 CPU profile of the app (and `BENCH_CPU_PROF_RELAY=<folder>` of the relay), which `node bench/lib/profile-summary.mjs <file>` summarises by area and function.', '')
  lines.push('The scripts live in `bench/` (' + BENCHMARKS.map(bench => '`' + bench.file.slice('bench/'.length) + '`').join(', ') + ', helpers in `bench/lib/`). They build the fixture app (`tests/fixtures/basic`) into a private copy under the system temp folder, start it with `NUXT_BACKGROUND_JOBS_*` variables (limits raised, a paced local upstream), and read server CPU from `/proc/<pid>/stat`. The resumable-stream baseline needs `redis-server` on the PATH (without it, that baseline is skipped and the tables say so); the multi-instance benchmark needs it.', '')
  return lines.join('\n')
}
