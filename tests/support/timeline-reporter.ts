/**
 * Writes when each test file ran, and how busy the machine's cores were meanwhile, to
 * `test-results/timeline.json` — the CI budget is ten minutes on two cores, and a file's duration
 * alone does not say whether it made the run longer (a long file started last) or only waited
 * beside others. `.ci/run` prints its summary (tests/support/timeline-summary.mjs). Prints nothing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

/** One test file: its project, path, and start and end in ms after the run began. */
export interface TimelineFile {
  project: string
  file: string
  start: number
  end: number
}

/** The run: its files, and the share of the cores busy in each second (from /proc/stat; empty elsewhere). */
export interface Timeline {
  files: TimelineFile[]
  busy: number[]
}

/** The cores' busy and total jiffies so far (null where /proc/stat does not exist). */
function cpuTimes(): { busy: number, total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number)
    const total = fields.reduce((sum, value) => sum + value, 0)
    // idle and iowait
    return { busy: total - fields[3]! - (fields[4] ?? 0), total }
  }
  catch {
    return null
  }
}

export default class TimelineReporter implements Reporter {
  private readonly began = Date.now()
  private readonly starts = new Map<string, number>()
  private readonly files: TimelineFile[] = []
  private readonly busy: number[] = []
  private last = cpuTimes()
  private readonly sampler = setInterval(() => {
    const now = cpuTimes()
    if (now && this.last && now.total > this.last.total) this.busy.push(Math.round((100 * (now.busy - this.last.busy)) / (now.total - this.last.total)) / 100)
    this.last = now
  }, 1000)

  private readonly path = join(process.cwd(), 'test-results/timeline.json')

  constructor() {
    this.sampler.unref()
  }

  // Queued: handed to a worker, before its import (part of a file's time, as in the default reporter).
  onTestModuleQueued(module: TestModule): void {
    this.starts.set(module.moduleId, Date.now() - this.began)
  }

  onTestModuleEnd(module: TestModule): void {
    const end = Date.now() - this.began
    this.files.push({ project: module.project.name, file: module.relativeModuleId, start: this.starts.get(module.moduleId) ?? end, end })
  }

  onTestRunEnd(): void {
    clearInterval(this.sampler)
    const timeline: Timeline = { files: this.files, busy: this.busy }
    // A record of the run, not a result: failing to write it fails no test.
    try {
      mkdirSync(dirname(this.path), { recursive: true })
      writeFileSync(this.path, `${JSON.stringify(timeline)}\n`)
    }
    catch (error) {
      console.warn(`could not write the test timeline to ${this.path}: ${String(error)}`)
    }
  }
}
