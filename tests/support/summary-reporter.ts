/**
 * Prints the one line CI reads: `N passed, N failed, N skipped`.
 * A file that failed to load counts as one failure, so a broken import can never pass silently.
 */
import type { Reporter, TestModule } from 'vitest/node'

export default class SummaryReporter implements Reporter {
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
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
