/**
 * For tests of isolated tool calls in real worker threads: the bundled worker entry (built once
 * while its sources stay the same, isolation-worker.ts), and fresh pools of the test tools on it,
 * disposed after each test.
 */
import { afterEach, beforeAll } from 'vitest'
import type { BackgroundJobsConfig } from '../../server/lib/config'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import type { Logger } from '../../server/lib/logger'
import { createFakeRunContext } from './fake-run-context'
import { ISOLATION_TEST_TOOL_NAMES, ISOLATION_TEST_TOOLS } from './isolation-tools'
import type { BuiltIsolationWorker } from './isolation-worker'
import { buildIsolationWorker } from './isolation-worker'
import { createStepModel } from './step-model'

export function useIsolationPools() {
  let worker: BuiltIsolationWorker | undefined
  const pools: ToolIsolation[] = []
  beforeAll(async () => {
    worker = await buildIsolationWorker()
  })
  afterEach(async () => {
    await Promise.all(pools.splice(0).map(pool => pool.dispose()))
  })

  /** A fresh pool of the test tools on the worker, reading `config` (`releaseTimeoutMs` as in ToolIsolationOptions). */
  function pool(config: BackgroundJobsConfig, logger?: Logger, releaseTimeoutMs?: number): ToolIsolation {
    const isolation = createToolIsolation({ workerUrl: () => worker!.url, toolFiles: ISOLATION_TEST_TOOL_NAMES, getConfig: () => config, logger, releaseTimeoutMs })
    pools.push(isolation)
    return isolation
  }

  /** A fake run of the test tools (its model answers nothing) whose isolated calls go through a fresh pool (`releaseTimeoutMs` as in `pool`). */
  function run(config: BackgroundJobsConfig, logger?: Logger, releaseTimeoutMs?: number) {
    const isolation = pool(config, logger, releaseTimeoutMs)
    return { ...createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config, isolation }), isolation }
  }

  return { pool, run }
}
