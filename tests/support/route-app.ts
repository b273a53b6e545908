/**
 * The layer's real route handlers and middleware mounted on a bare h3 app over a real socket, with
 * an engine on the memory provider: a route's answers to a client, without building Nuxt. The test
 * file must mock `nitropack/runtime` (the user and flag hooks), e.g. with `mockNitroRuntime`.
 */
import { createServer } from 'node:http'
import { afterAll, beforeAll } from 'vitest'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, createRouter, send, setResponseHeader, setResponseStatus, toNodeListener } from 'h3'
import type { EventHandler } from 'h3'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import jobsAssignRequestId from '../../server/middleware/jobs-assign-request-id'
import jobsCors from '../../server/middleware/jobs-cors'
import jobsMethods from '../../server/middleware/jobs-methods'
import jobsIndexGet from '../../server/api/jobs/index.get'
import jobsIndexHead from '../../server/api/jobs/index.head'
import jobsIndexPost from '../../server/api/jobs/index.post'
import jobsIndexDelete from '../../server/api/jobs/index.delete'
import catalogGet from '../../server/api/jobs/catalog.get'
import catalogHead from '../../server/api/jobs/catalog.head'
import healthGet from '../../server/api/jobs/health.get'
import healthHead from '../../server/api/jobs/health.head'
import metricsGet from '../../server/api/jobs/metrics.get'
import threadsGet from '../../server/api/jobs/threads.get'
import threadPatch from '../../server/api/jobs/threads/[threadId].patch'
import jobGet from '../../server/api/jobs/[id]/index.get'
import jobHead from '../../server/api/jobs/[id]/index.head'
import jobDelete from '../../server/api/jobs/[id]/index.delete'
import jobAbort from '../../server/api/jobs/[id]/abort.post'
import jobInput from '../../server/api/jobs/[id]/input.post'
import jobStream from '../../server/api/jobs/[id]/stream.get'
import jobStreamHead from '../../server/api/jobs/[id]/stream.head'
import notificationsGet from '../../server/api/jobs/notifications.get'
import notificationsHead from '../../server/api/jobs/notifications.head'
import chatPost from '../../server/api/jobs/chat/index.post'
import chatAbort from '../../server/api/jobs/chat/[chatId]/abort.post'
import chatMessages from '../../server/api/jobs/chat/[chatId]/messages.get'
import chatStream from '../../server/api/jobs/chat/[chatId]/stream.get'
import chatStreamHead from '../../server/api/jobs/chat/[chatId]/stream.head'
import type { EngineHooks, JobRunners } from '../../server/lib/engine-types'
import type { JobProvider } from '../../server/lib/providers/types'
import type { ModelClient } from '../../server/lib/model/types'
import { createTestEngine } from './engine-harness'
import type { ToolRegistry } from '../../server/lib/tools/types'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import type { Logger } from '../../server/lib/logger'
import type { WorkflowRegistry } from '../../server/lib/workflows/types'
import { keepingIdleConnections } from './idle-connections'

const ROUTES: Array<[string, 'get' | 'head' | 'post' | 'patch' | 'delete', EventHandler]> = [
  ['/api/jobs', 'get', jobsIndexGet],
  ['/api/jobs', 'head', jobsIndexHead],
  ['/api/jobs', 'post', jobsIndexPost],
  ['/api/jobs', 'delete', jobsIndexDelete],
  ['/api/jobs/catalog', 'get', catalogGet],
  ['/api/jobs/catalog', 'head', catalogHead],
  ['/api/jobs/health', 'get', healthGet],
  ['/api/jobs/health', 'head', healthHead],
  ['/api/jobs/metrics', 'get', metricsGet],
  ['/api/jobs/threads', 'get', threadsGet],
  ['/api/jobs/threads/:threadId', 'patch', threadPatch],
  ['/api/jobs/:id', 'get', jobGet],
  ['/api/jobs/:id', 'head', jobHead],
  ['/api/jobs/:id', 'delete', jobDelete],
  ['/api/jobs/:id/abort', 'post', jobAbort],
  ['/api/jobs/:id/input', 'post', jobInput],
  ['/api/jobs/:id/stream', 'get', jobStream],
  ['/api/jobs/:id/stream', 'head', jobStreamHead],
  ['/api/jobs/notifications', 'get', notificationsGet],
  ['/api/jobs/notifications', 'head', notificationsHead],
  ['/api/jobs/chat', 'post', chatPost],
  ['/api/jobs/chat/:chatId/abort', 'post', chatAbort],
  ['/api/jobs/chat/:chatId/messages', 'get', chatMessages],
  ['/api/jobs/chat/:chatId/stream', 'get', chatStream],
  ['/api/jobs/chat/:chatId/stream', 'head', chatStreamHead],
]

/** Waits until the run is aborted. */
function untilAborted({ signal }: { signal: AbortSignal }): Promise<void> {
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
}

/** Runners that leave a job running until it is aborted. */
export const idleRunners: JobRunners = { chat: untilAborted, workflow: untilAborted }

/** A running route app. */
export type RouteApp = Awaited<ReturnType<typeof serveRoutes>>

/** Serves the routes on 127.0.0.1; `close` stops the server and the engine. */
export async function serveRoutes(options: { config?: BackgroundJobsConfigInput, runners?: JobRunners, model?: ModelClient, tools?: ToolRegistry, workflows?: WorkflowRegistry, wrap?: (provider: JobProvider) => JobProvider, isolation?: ToolIsolation, hooks?: EngineHooks, logger?: Logger, now?: () => number } = {}) {
  const { engine, config } = createTestEngine({ config: options.config, runners: options.runners ?? idleRunners, model: options.model, tools: options.tools, workflows: options.workflows, wrap: options.wrap, isolation: options.isolation, hooks: options.hooks, logger: options.logger, now: options.now })
  setBackgroundJobsEngine({ get: async () => engine, peek: () => ({ phase: 'started', value: engine }) })
  const router = createRouter()
  for (const [path, method, handler] of ROUTES) router[method](path, handler)
  // Errors answered as Nitro's error handler does for an API route: JSON with the message.
  const app = createApp({
    onError: async (error, event) => {
      setResponseStatus(event, error.statusCode || 500, error.statusMessage)
      setResponseHeader(event, 'content-type', 'application/json')
      await send(event, JSON.stringify({ error: true, statusCode: error.statusCode, statusMessage: error.statusMessage, message: error.message }))
    },
  }).use(jobsAssignRequestId).use(jobsCors).use(jobsMethods).use(router)
  const server: Server = keepingIdleConnections(createServer(toNodeListener(app)))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    engine,
    config,
    async close() {
      setBackgroundJobsEngine(null)
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      await engine.dispose()
    },
  }
}

/** `serveRoutes` for a whole test file: served before its tests, closed after them; read it inside a test. */
export function useServedRoutes(options: Parameters<typeof serveRoutes>[0] = {}): RouteApp {
  let served: RouteApp | undefined
  beforeAll(async () => {
    served = await serveRoutes(options)
  })
  afterAll(async () => {
    await served?.close()
  })
  const current = () => {
    if (!served) throw new Error('the routes are served from beforeAll on')
    return served
  }
  return { get base() { return current().base }, get engine() { return current().engine }, get config() { return current().config }, close: () => current().close() }
}
