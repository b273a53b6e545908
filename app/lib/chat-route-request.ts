/**
 * The chat Stop's requests (app/lib/chat-stop.ts) outside Nuxt, where there is no `$fetch`: a React
 * app's, or any app's that binds the Stop itself. A JSON request over `fetch`, answered as `$fetch`
 * answers it — the parsed body, or a rejection: a `BackgroundJobsApiError` with the status and the
 * server's own message for a non-2xx answer, the `fetch`'s own error (a `TypeError`) for none.
 */
import type { ApiErrorBody } from './api-types'
import { BackgroundJobsApiError } from './api-error'
import type { ChatRouteRequest } from './chat-stop'

export interface ChatRouteRequestOptions {
  /** The `fetch` the requests go through. @default globalThis.fetch (read at each request) */
  fetch?: typeof globalThis.fetch
  /** Sent with each request (the transport's own `headers`, e.g. an `Authorization`). */
  headers?: Record<string, string>
  /** @default 'same-origin' (the transport's default) */
  credentials?: RequestCredentials
}

/** The answer's body as the API sends an error (`{ statusCode, message }`), if it is JSON. */
async function errorBody(response: Response): Promise<Partial<ApiErrorBody> | undefined> {
  try {
    return await response.json() as Partial<ApiErrorBody>
  }
  catch {
    return undefined
  }
}

/** Creates the requests of the chat's abort and messages routes (above). */
export function createChatRouteRequest(options: ChatRouteRequestOptions = {}): ChatRouteRequest {
  return async (url, init) => {
    const send = options.fetch ?? globalThis.fetch
    const body = init?.body === undefined ? {} : { body: JSON.stringify(init.body) }
    const response = await send(url, {
      method: init?.method ?? 'GET',
      headers: { accept: 'application/json', ...(init?.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      credentials: options.credentials ?? 'same-origin',
      ...body,
    })
    if (!response.ok) {
      const data = await errorBody(response)
      throw new BackgroundJobsApiError({ status: response.status, data, message: `[${init?.method ?? 'GET'}] "${url}": ${response.status} ${response.statusText}`.trimEnd() })
    }
    return await response.json() as unknown
  }
}
