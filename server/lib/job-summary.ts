/**
 * What clients see of a job record: no lease, and of the request only what the owner wrote (the
 * last user message of a chat and its metadata, a workflow's name and input) and the id of the
 * owner's request that created it — never its trace or tool settings.
 */
import { cutText } from '../../shared/cut-text'
import { TITLE_MAX_CHARS, workflowTitle } from '../../shared/job-title'
import type { CreateJobInput, JobSummary } from './engine-types'
import type { JobRecord } from './providers/types'
import { creatingRequestIdOf } from './creating-request-id'

/** A summary safe to send to the job's owner (no lease, no request internals). */
export function summarize(record: JobRecord): JobSummary {
  const { id, type, status, threadId, messageId, title, createdAt, updatedAt, endedAt, lastSeq } = record
  // Null for a Convex job whose deletion, under a version before this one, stopped after its
  // request went and before its job document did: it is listed until retention or a deletion ends
  // it, and one such job made every list of its user fail.
  const request = record.request as JobRecord['request'] | null
  const prompt = request?.type === 'chat' ? lastUserMessage(request.messages) : undefined
  const requestId = creatingRequestIdOf(request)
  return {
    id, type, status, threadId, messageId, title, createdAt, updatedAt, endedAt, lastSeq,
    ...(prompt === undefined ? {} : { prompt }),
    ...(request?.type === 'chat' && request.promptMetadata !== undefined ? { promptMetadata: request.promptMetadata } : {}),
    ...(request?.type === 'chat' && request.startedBy === 'jobs' ? { startedBy: request.startedBy } : {}),
    ...(request?.type === 'workflow' ? { workflow: { name: request.workflow, input: request.input ?? null } } : {}),
    ...(requestId === undefined ? {} : { requestId }),
  }
}

function lastUserMessage(messages: Array<{ role: string, content: string | null }>): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index]!.role === 'user') return messages[index]!.content ?? ''
  }
  return undefined
}

/** A short list label from the request: the given title, a workflow with its topic, or the last user message. */
export function titleOf(input: CreateJobInput): string {
  if (input.title) return cutText(input.title, TITLE_MAX_CHARS)
  if (input.request.type === 'workflow') return workflowTitle(input.request.workflow, input.request.input)
  const lastUser = [...input.request.messages].reverse().find(message => message.role === 'user')
  return cutText((lastUser?.content ?? 'Chat').replace(/\s+/g, ' ').trim(), TITLE_MAX_CHARS) || 'Chat'
}
