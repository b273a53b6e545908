/**
 * docs/api.md's `POST /api/jobs` row listed `model?` with nothing about which models: a client
 * developer read it as "any model", while the route refuses every model but `upstream.defaultModel`
 * unless `upstream.allowedModels` names it (empty by default), with a `400` naming `model`. The
 * row now says so, as ai-sdk.md and config.md do.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ config: { upstream: { defaultModel: 'openai/gpt-4o-mini' } } })

/** The `POST /api/jobs` row of api.md's route table. */
function startRow(): string {
  const docs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  return /^\| `POST \/api\/jobs` \|.*$/m.exec(docs)?.[0] ?? ''
}

describe('a model the operator did not allow', () => {
  it('is a 400 naming model, and api.md\'s start row says which models pass', async () => {
    const post = (model: string) => fetch(`${app.base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], model }),
    })
    const refused = await post('anthropic/claude-opus')
    expect(refused.status).toBe(400)
    expect((await refused.json() as { message: string }).message).toBe('model: "anthropic/claude-opus" is not allowed here (upstream.allowedModels: openai/gpt-4o-mini)')
    const taken = await post('openai/gpt-4o-mini')
    expect(taken.status).toBe(202)
    await app.engine.abortJob('user-1', (await taken.json() as { id: string }).id)

    const row = startRow()
    expect(row).toContain('upstream.allowedModels')
    expect(row).toContain('upstream.defaultModel')
  })
})
