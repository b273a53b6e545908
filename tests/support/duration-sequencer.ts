/**
 * Runs the longest test files first (within each project, in the order vitest gives projects), so
 * the e2e project's two workers do not end on a long file that started last. Vitest orders by the
 * durations of its last run when it has them (failed files first), and then this keeps its order;
 * a fresh clone (CI) has none, and vitest would order by file size. `test-durations.json` holds the
 * seconds each file took in one run; a file missing from it (a new one) runs first, as vitest runs
 * unknown files first. Refresh it with `TEST_DURATIONS_OUT=tests/support/test-durations.json npm test`
 * (tests/support/summary-reporter.ts writes it) when files grow or shrink a lot: a stale entry only
 * makes the order less good, never a test wrong.
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { TestSpecification } from 'vitest/node'
import { BaseSequencer } from 'vitest/node'

const durations = JSON.parse(readFileSync(new URL('./test-durations.json', import.meta.url), 'utf8')) as Record<string, number>

export default class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files)
    if (files.every(spec => this.ctx.cache.getTestSpecificationResult(spec))) return base
    const root = this.ctx.config.root
    const seconds = (spec: TestSpecification) => durations[relative(root, spec.moduleId)] ?? Number.POSITIVE_INFINITY
    const position = new Map(base.map((spec, index) => [spec, index]))
    const projectOrder = new Map<string, number>()
    for (const spec of base) if (!projectOrder.has(spec.project.name)) projectOrder.set(spec.project.name, projectOrder.size)
    return [...base].sort((a, b) =>
      projectOrder.get(a.project.name)! - projectOrder.get(b.project.name)!
      || seconds(b) - seconds(a)
      || position.get(a)! - position.get(b)!,
    )
  }
}
