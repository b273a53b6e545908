// Prints a summary of test-results/timeline.json (tests/support/timeline-reporter.ts): how long the
// test files ran, how busy the cores were, the longest files and the run's tail — the last stretch
// in which fewer files ran than at the busiest moment, and what ran in it. `.ci/run` prints it
// before the final line; `node tests/support/timeline-summary.mjs [path]` prints it after any run.
import { readFileSync } from 'node:fs'

const path = process.argv[2] ?? 'test-results/timeline.json'
let timeline
try {
  timeline = JSON.parse(readFileSync(path, 'utf8'))
}
catch {
  console.log(`no timeline at ${path}`)
  process.exit(0)
}
const { files, busy } = timeline
if (files.length === 0) process.exit(0)
const s = ms => `${(ms / 1000).toFixed(0)} s`
const end = Math.max(...files.map(file => file.end))
const mean = busy.length > 0 ? busy.reduce((sum, share) => sum + share, 0) / busy.length : NaN
console.log(`timeline: ${files.length} files in ${s(end)}, cores ${Number.isNaN(mean) ? 'n/a' : `${Math.round(mean * 100)}% busy`} on average`)

// How many files ran at each moment: the busiest count, and from when on fewer ran for good.
const edges = files.flatMap(file => [[file.start, 1], [file.end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
let running = 0
let most = 0
for (const [, step] of edges) most = Math.max(most, (running += step))
running = 0
let tailFrom = end
for (const [at, step] of edges) {
  running += step
  if (running === most) tailFrom = end
  else if (running < most && tailFrom === end && step < 0) tailFrom = at
}
const tail = files.filter(file => file.end > tailFrom).sort((a, b) => a.start - b.start)
const tailBusy = busy.slice(Math.floor(tailFrom / 1000))
const tailMean = tailBusy.length > 0 ? tailBusy.reduce((sum, share) => sum + share, 0) / tailBusy.length : NaN
console.log(`tail: the last ${s(end - tailFrom)} ran fewer than ${most} files at once (cores ${Number.isNaN(tailMean) ? 'n/a' : `${Math.round(tailMean * 100)}% busy`}):`)
for (const file of tail) console.log(`  ${file.file} ${s(file.start)}–${s(file.end)}`)
console.log('longest files:')
for (const file of [...files].sort((a, b) => (b.end - b.start) - (a.end - a.start)).slice(0, 8)) console.log(`  ${s(file.end - file.start).padStart(5)} ${file.file} (${s(file.start)}–${s(file.end)})`)
