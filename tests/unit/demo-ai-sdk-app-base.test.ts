/**
 * The /ai-sdk page under an app base path (`app.baseURL: '/chat/'`, `NUXT_APP_BASE_URL`): its
 * transport posted to `/api/jobs/chat` and resumed from `/api/jobs/chat/<id>/stream`, at the site
 * root, outside the app (a 404, or another app's route) — the main chat's requests go under the
 * base (shared/app-base.ts). Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { settle, usePage } from '../support/ai-sdk-page'
import { typeMessage as type, submitMessage as submit } from '../support/ai-sdk-composer'

const page = usePage()

describe('/ai-sdk page under an app base path', () => {
  it('resumes and posts under the base, not at the site root', async () => {
    vi.stubGlobal('useRuntimeConfig', () => ({ app: { baseURL: '/chat/' }, public: {} }))
    const root = page.mount()
    await settle()
    await type(root, 'Hello')
    await submit(root)
    expect(page.requests).toEqual(['GET /chat/api/jobs/chat/c1/stream', 'POST /chat/api/jobs/chat'])
  })
})
