/**
 * Prints the one line CI reads: `N passed, N failed, N skipped`.
 * A file that failed to load counts as one failure, so a broken import can never pass silently.
 * With TEST_DURATIONS_OUT=<file> it also writes each file's seconds there (longest first), the
 * table tests/support/duration-sequencer.ts orders a fresh clone's run by.
 */
import { writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'

export default class SummaryReporter implements Reporter {
  private root = process.cwd()

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      let failedInModule = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failedInModule++
        else skipped++
      }
      // A file that threw while loading (or in a hook) may have no failed test but is not OK.
      if (module.state() === 'failed' && failedInModule === 0) failedInModule = 1
      failed += failedInModule
    }
    failed += unhandledErrors.length
    if (process.env.TEST_DURATIONS_OUT) this.writeDurations(process.env.TEST_DURATIONS_OUT, testModules)
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }

  private writeDurations(file: string, testModules: ReadonlyArray<TestModule>): void {
    const seconds = testModules
      .map(module => [relative(this.root, module.moduleId), Math.round(module.diagnostic().duration / 100) / 10] as const)
      .sort((left, right) => right[1] - left[1])
    writeFileSync(file, `${JSON.stringify(Object.fromEntries(seconds), null, 2)}\n`)
  }
}
