/**
 * docs/api.md and docs/tools.md said a `tools` name that is not a registered tool is a `400`, with
 * no exception. With tools switched off altogether (`tools.enabled`, or a user's `tools` flag) the
 * route does not read `tools` at all: a misspelt name starts the job (202), without any tool, and
 * the same body is a 400 once tools are on. The pages now say so.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const clock = defineTool({ name: 'get_current_time', description: 'Now', parameters: z.object({}), execute: () => 'noon' })
const app = useServedRoutes({ config: { tools: { enabled: false } }, tools: createToolRegistry([clock]) })

function docs(page: string): string {
  return readFileSync(new URL(`../../docs/${page}`, import.meta.url), 'utf8').replace(/\s+/g, ' ')
}

describe('a tools name that is no registered tool, with tools switched off', () => {
  it('starts the job without tools (the names are not read), and the docs say so', async () => {
    const response = await fetch(`${app.base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'What time is it?' }], tools: ['get_current_tme'] }),
    })
    expect(response.status).toBe(202)
    const { id } = await response.json() as { id: string }
    await app.engine.abortJob('user-1', id)

    const note = 'with tools switched off altogether (`tools.enabled`, or a user\'s `tools` flag), `tools` is not read'
    expect(docs('api.md')).toContain(note)
    expect(docs('tools.md').toLowerCase()).toContain(note.toLowerCase())
  })
})
