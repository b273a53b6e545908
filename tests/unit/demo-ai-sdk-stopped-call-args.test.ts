/**
 * /ai-sdk: a tool call stopped while its approval waited showed the arguments its approval asked
 * with (the tool's schema applied: `path: "notes.txt", recursive: false`) live, but the model's raw
 * ones (`path: "notes.txt"`) after a reload, where the call comes back denied by the Stop; the main
 * chat shows the checked ones both ways. The tool part now shows the approval's arguments in every
 * state that keeps them. The part here is the one the messages route builds from the ended job.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import type { ToolUIPart } from 'ai'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import AiSdkToolPartSsr from '../../demo/app/components/AiSdkToolPart.vue'
import { allNodes, mountClient, stubDocument, textOf, withClientTemplate } from '../support/demo-client-render'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const AiSdkToolPart = withClientTemplate(AiSdkToolPartSsr, 'demo/app/components/AiSdkToolPart.vue')
const JOB = 'job-args'
const RAW = { path: 'notes.txt' }
const CHECKED = { path: 'notes.txt', recursive: false }

const EVENTS: JobEventPayload[] = [
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'step-end', step: 1, finishReason: 'tool_calls' },
  { type: 'tool-call', id: 'c1', name: 'delete_file', args: RAW, step: 1 },
  { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: 'Delete notes.txt?', expiresAt: 1e12, onTimeout: 'deny', toolCallId: 'c1', tool: 'delete_file', args: CHECKED },
  { type: 'job-status', status: 'waiting' },
  { type: 'job-end', status: 'aborted', error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() },
]

/** The tool part a reload reads: the ended job, from nothing (a snapshot). */
function reloadedPart(): ToolUIPart {
  const events = EVENTS.map((payload, index) => ({ ...payload, seq: index + 1, at: index + 1 }) as JobEvent)
  const ended = reduceEvents(createJobState({ id: JOB, type: 'chat', createdAt: 0 }), events)
  const mapper = createUiChunkMapper({ messageId: JOB, known: createJobState({ id: JOB, type: 'chat', createdAt: 0 }) })
  const chunks = [...mapper.start(), ...mapper.frame({ event: 'snapshot', id: ended.seq, data: ended })]
  return partsFromChunks(chunks).find(part => part.type.startsWith('tool-')) as unknown as ToolUIPart
}

function shownArgs(part: ToolUIPart): string {
  const mounted = mountClient({ render: () => vue.h(AiSdkToolPart as Component, { part }) })
  const line = allNodes(mounted.container).find(item => item.props.class === 'tool-args')!
  const text = textOf(line)
  mounted.unmount()
  return text
}

beforeEach(() => {
  stubDocument()
  for (const name of ['computed'] as const) vi.stubGlobal(name, vue[name])
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('/ai-sdk: a call stopped while its approval waited', () => {
  it('shows the approval\'s arguments after a reload, as it did live', () => {
    const part = reloadedPart()
    expect(part).toMatchObject({ state: 'output-denied', input: RAW, approval: { descriptor: { args: CHECKED } } })
    const live = { ...part, state: 'approval-requested', approval: { id: 'r1', descriptor: { args: CHECKED } } } as ToolUIPart
    expect(shownArgs(live)).toBe('path: "notes.txt", recursive: false')
    expect(shownArgs(part)).toBe('path: "notes.txt", recursive: false')
  })
})
