/**
 * The URL of a job's stream as `POST /api/jobs` answers it: under the app's base path
 * (`app.baseURL`, `NUXT_APP_BASE_URL`), where Nitro serves the API — an app served under `/chat/`
 * streams from `/chat/api/jobs/:id/stream`, and a client that opens the answer's `streamUrl` as is
 * must land there.
 */
import type { H3Event } from 'h3'
import { useRuntimeConfig } from 'nitropack/runtime'
import { underAppBase } from '../../../shared/app-base'

/** The stream URL of job `jobId` for the app serving `event`. */
export function jobStreamUrl(event: H3Event, jobId: string): string {
  const { app } = useRuntimeConfig(event) as { app?: { baseURL?: string } }
  return underAppBase(app?.baseURL, `/api/jobs/${encodeURIComponent(jobId)}/stream`)
}
