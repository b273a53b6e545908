/**
 * A route's error message that names one of the layer's routes (`POST /api/jobs/<id>/abort`,
 * `GET /api/jobs/catalog`) names it as the client must call it: under the app's base path
 * (`app.baseURL`, `NUXT_APP_BASE_URL`), as `streamUrl` is (stream-url.ts). The messages are
 * written with the paths from the root (the engine that writes most of them has no request);
 * quoted values a message echoes (`"…"`, as JSON) are left as sent.
 */
import type { H3Event } from 'h3'
import { useRuntimeConfig } from 'nitropack/runtime'
import { underAppBase } from '../../../shared/app-base'

const QUOTED = /("(?:[^"\\]|\\.)*")/
const NAMED_ROUTE = /\b(GET|HEAD|POST|DELETE) \/api\/jobs\b/g

/** `message` with the routes it names under the base path of the app serving `event`. */
export function routesUnderAppBase(event: H3Event, message: string): string {
  if (!message.includes('/api/jobs')) return message
  const { app } = useRuntimeConfig(event) as { app?: { baseURL?: string } }
  const prefix = underAppBase(app?.baseURL, '/api/jobs')
  if (prefix === '/api/jobs') return message
  // Split keeps the quoted parts at odd indexes: only the message's own words are rewritten.
  return message.split(QUOTED).map((part, index) => (index % 2 === 1 ? part : part.replace(NAMED_ROUTE, `$1 ${prefix}`))).join('')
}
