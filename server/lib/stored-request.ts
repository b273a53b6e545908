/**
 * A job's stored request is checked again before a recovering instance runs it: it comes back
 * from the shared store, not from a validated route, so a request that got there some other way
 * (or that the app's tools and workflows no longer accept) must not reach the upstream on the
 * operator's key. The same rules as `POST /api/jobs`: messages through the body schema and
 * `toChatJobInput` (allowed model, no client system prompt; as an accepted request: a rule added
 * since, the assistant's message last, does not refuse a job that began before it), tool names through the registry, a
 * workflow's input through its schema, a chat's `promptMetadata` and `clientBody` as JSON within
 * their bounds (kept as the client sent them: a job taken over reads the same in the app's hooks). An invalid request ends the job `failed` with the code
 * `invalid-request` (cluster.ts).
 */
import type { JobError } from '../../shared/events'
import type { BackgroundJobsConfig } from './config'
import { asClientBody } from './ai-sdk/client-body'
import { asSent } from './ai-sdk/metadata-json'
import { withAddedFields } from './added-fields'
import { creatingRequestIdOf } from './creating-request-id'
import { describeIssues } from './describe-issues'
import { SchemaCheckFailedError } from './errors'
import { describeThrown } from './executor/tool-errors'
import { toChatJobInput } from './http/chat-job-input'
import { chatJobBodySchema } from './http/schemas'
import type { JobRequest, JobTraceContext } from './providers/types'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'

/** The code a job whose stored request fails the check ends with. */
export const INVALID_REQUEST_CODE = 'invalid-request'

/** What a check needs: the same registries and settings as the routes. */
export interface StoredRequestContext {
  config: BackgroundJobsConfig
  tools: ToolRegistry
  workflows: WorkflowRegistry
}

/** The outcome of a check: the request to run (rebuilt from what passed), or why not. */
export type StoredRequestCheck = { ok: true, request: JobRequest } | { ok: false, error: JobError }

function refuse(detail: string): StoredRequestCheck {
  return {
    ok: false,
    error: { code: INVALID_REQUEST_CODE, message: `The stored request of this job is not valid, so it was not run: ${detail}`, failedDuring: 'engine' },
  }
}

/** Names the client could not have chosen: unknown or not registered. */
function unknownTools(names: unknown, tools: ToolRegistry): string | null {
  if (names === undefined) return null
  if (!Array.isArray(names) || names.some(name => typeof name !== 'string')) return 'tools: must be a list of tool names'
  const unknown = names.filter(name => !tools.get(name as string))
  return unknown.length > 0 ? `tools: ${unknown.map(name => `"${String(name)}"`).join(', ')} not registered` : null
}

/** The span context of the first run, kept when it has the shape the engine writes. */
function traceOf(stored: Record<string, unknown>): { trace?: JobTraceContext } {
  const trace = stored.trace as { traceparent?: unknown } | undefined
  return typeof trace?.traceparent === 'string' && trace.traceparent.length <= 100 ? { trace: { traceparent: trace.traceparent } } : {}
}

/**
 * What the creating route wrote beside the client's request, kept when it has the shape the route
 * writes: how the chat's turns read in order (`startedBy`, `answersJob`: a taken-over job listed or
 * summed up as before), and what the engine writes beside any request (`engineFieldsOf`).
 */
function routeFieldsOf(stored: Record<string, unknown>): { startedBy?: 'jobs', answersJob?: true, fingerprint?: string, requestId?: string } {
  return {
    ...(stored.startedBy === 'jobs' ? { startedBy: 'jobs' as const } : {}),
    ...(stored.answersJob === true ? { answersJob: true as const } : {}),
    ...engineFieldsOf(stored),
  }
}

/**
 * What the engine wrote beside any request: an `Idempotency-Key`'s fingerprint as idempotency.ts
 * writes it (base64url SHA-256: a retried create after a takeover still finds it the same job) and
 * the id of the creating request (creating-request-id.ts: the taken-over run's lines name it too).
 */
function engineFieldsOf(stored: Record<string, unknown>): { fingerprint?: string, requestId?: string } {
  const requestId = creatingRequestIdOf(stored)
  return {
    ...(typeof stored.fingerprint === 'string' && stored.fingerprint.length <= 200 ? { fingerprint: stored.fingerprint } : {}),
    ...(requestId === undefined ? {} : { requestId }),
  }
}

/** Checks a stored request as the routes would have; never throws. */
export function checkStoredRequest(request: unknown, context: StoredRequestContext): StoredRequestCheck {
  if (typeof request !== 'object' || request === null) return refuse('not an object')
  const stored = request as Record<string, unknown>
  const toolProblem = unknownTools(stored.tools, context.tools)
  if (toolProblem) return refuse(toolProblem)

  if (stored.type === 'chat') {
    const { type: _type, trace: _trace, promptMetadata, clientBody, startedBy: _startedBy, answersJob: _answersJob, fingerprint: _fingerprint, requestId: _requestId, ...body } = stored
    const parsed = chatJobBodySchema(context.config).safeParse(body)
    if (!parsed.success) return refuse(describeIssues(parsed.error, 'request'))
    const metadata = asSent(promptMetadata)
    if ('problem' in metadata) return refuse(`promptMetadata: ${metadata.problem}`)
    const fields = asClientBody(clientBody)
    if ('problem' in fields) return refuse(`clientBody: ${fields.problem}`)
    try {
      // The per-user tools flag was applied when the job was created: its `tools` list says it. A
      // rule added since it was accepted (its last message the assistant's) does not end it.
      const { request: checked } = toChatJobInput(parsed.data, context.config, { enabled: true, tools: true, workflows: true }, null, { accepted: true })
      return { ok: true, request: { ...checked, ...(metadata.metadata === undefined ? {} : { promptMetadata: metadata.metadata }), ...fields, ...routeFieldsOf(stored), ...traceOf(stored) } }
    }
    catch (error) {
      return refuse((error as Error).message)
    }
  }

  if (stored.type === 'workflow') {
    if (!context.config.workflows.enabled) return refuse('workflows are disabled (workflows.enabled)')
    const workflow = typeof stored.workflow === 'string' ? context.workflows.get(stored.workflow) : undefined
    if (!workflow) return refuse(`workflow: "${String(stored.workflow)}" is not registered`)
    try {
      // Checked, not parsed again into the run: the input is stored as the schema returned it, so
      // a transform that keeps the shape (dollars to cents) would apply twice, and the resumed run
      // would read another input than the nodes that already ran. Only a field the stored input
      // lacks is taken from the parse: a default a deploy added since (`depth: z.number().default(3)`,
      // which the new version's nodes read: without it, `{{input.depth}}` failed the resumed job).
      const input = withAddedFields(stored.input, workflow.parseInput(stored.input))
      return { ok: true, request: { type: 'workflow', workflow: workflow.name, input, ...(stored.tools ? { tools: stored.tools as string[] } : {}), ...engineFieldsOf(stored), ...traceOf(stored) } }
    }
    catch (error) {
      // A schema check that threw: its own error, as before (this text is logged and ends the job, never a client's answer).
      return refuse(`input: ${error instanceof SchemaCheckFailedError ? describeThrown(error.cause) : (error as Error).message}`)
    }
  }
  return refuse(`type: must be "chat" or "workflow", got ${JSON.stringify(stored.type)}`)
}
