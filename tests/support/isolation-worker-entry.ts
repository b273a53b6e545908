// The worker entry of the isolation tests: the layer's worker runtime over the test tools.
import { existsSync, writeFileSync } from 'node:fs'
import { createToolWorker } from '../../server/lib/isolation/worker-runtime'
import { ISOLATION_TEST_TOOLS } from './isolation-tools'

/**
 * `import_hangs`: its "file" never finishes loading.
 * `import_once_fails`: its "file" throws at import while the marker file named by
 * BACKGROUND_JOBS_TEST_IMPORT_MARKER does not exist yet, and creates it (so only the first load
 * in any worker fails). Without the variable it loads as the others do.
 */
function loaderOf(tool: (typeof ISOLATION_TEST_TOOLS)[number]) {
  return async () => {
    // Its import never settles (a top-level await on something that never answers).
    if (tool.name === 'import_hangs') return await new Promise<never>(() => {})
    const marker = process.env.BACKGROUND_JOBS_TEST_IMPORT_MARKER
    if (tool.name === 'import_once_fails' && marker && !existsSync(marker)) {
      writeFileSync(marker, 'failed once')
      throw new Error('the service this file connects to at import is not up yet')
    }
    return { default: tool }
  }
}

const handler = createToolWorker(ISOLATION_TEST_TOOLS.map(loaderOf))

/**
 * `held_start`: its task reaches this worker and stops here, before the layer's handler takes it
 * (the worker thread is busy: tinypool handed it the task, no start was marked). It writes its
 * `marker` file, then spins until the worker is terminated. `held_until` writes its `marker` file
 * and waits the same way until its `release` file exists, then goes on to the handler.
 */
export default function runTask(task: Parameters<typeof handler>[0]): ReturnType<typeof handler> {
  if (task.name === 'held_start') {
    writeFileSync((task.args as { marker: string }).marker, 'handed to the worker')
    // The global write keeps a bundler from dropping the loop as code without effect.
    const state = globalThis as { isolationTestHeldSpins?: number }
    for (;;) state.isolationTestHeldSpins = (state.isolationTestHeldSpins ?? 0) + 1
  }
  if (task.name === 'held_until') {
    const { marker, release } = task.args as { marker: string, release: string }
    writeFileSync(marker, 'handed to the worker')
    while (!existsSync(release)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
  }
  return handler(task)
}
