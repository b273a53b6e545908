/**
 * More tools for the isolation tests (isolation-tools.ts lists them after its own, so the worker
 * entry built from that list has them too).
 */
import { existsSync } from 'node:fs'
import { threadId } from 'node:worker_threads'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'

export const HELD_TOOLS = [
  defineTool({
    name: 'held_until',
    description: 'Its task reaches the worker and waits there, before the layer\'s handler takes it, until its `release` file exists (the worker entry, isolation-worker-entry.ts, writes its `marker` file first): a worker handed a call it has not started yet, and then starts. Answers with the thread that ran it.',
    parameters: z.object({ marker: z.string(), release: z.string() }),
    execute: () => ({ threadId }),
  }),
  defineTool({
    name: 'until_released',
    description: 'A slow call that ends when the test says: answers once its `release` file exists (its worker stays, free for the next call).',
    parameters: z.object({ release: z.string() }),
    execute: ({ release }) => new Promise((resolve) => {
      const poll = setInterval(() => {
        if (!existsSync(release)) return
        clearInterval(poll)
        resolve({ released: true, threadId })
      }, 2)
    }),
  }),
]
