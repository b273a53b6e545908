/**
 * What each bench script hands to bench/run.mjs: its tables, the targets it checked and notes,
 * written as JSON to the file named by BENCH_RESULT_FILE (and printed as tables either way).
 */
import { writeFileSync } from 'node:fs'
import type { ResultTable } from './stats.ts'
import { renderTable } from './stats.ts'

/** One checked target, e.g. "≤ 2 MB heap growth". */
export interface TargetCheck {
  name: string
  target: string
  measured: string
  met: boolean
  /** The issue that set the target (shown in docs/performance.md). */
  issue?: number
}

/** The result of one bench script. */
export interface BenchResult {
  id: string
  title: string
  tables: ResultTable[]
  targets: TargetCheck[]
  /** Plain sentences about what was measured and what stands out. */
  notes: string[]
  /** Raw numbers for the narrative in run.mjs. */
  data: Record<string, unknown>
}

/** Prints the result and writes it for run.mjs. */
export function report(result: BenchResult): void {
  console.log(`\n## ${result.title}\n`)
  for (const table of result.tables) console.log(`${renderTable(table)}\n`)
  for (const check of result.targets) console.log(`${check.met ? 'MET ' : 'MISS'}  ${check.name}: ${check.measured} (target ${check.target})`)
  for (const note of result.notes) console.log(`- ${note}`)
  const file = process.env.BENCH_RESULT_FILE
  if (file) writeFileSync(file, JSON.stringify(result, null, 2))
}

/** BENCH_SCALE=full runs the bigger sizes; the default keeps `npm run bench` near 5 minutes. */
export const fullScale = process.env.BENCH_SCALE === 'full'
