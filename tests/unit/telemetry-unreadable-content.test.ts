/**
 * Telemetry must not change what a job does. With `telemetry.recordContent` on, a span's attributes
 * are made from the work's input (a tool's arguments): a value with no text form — an object made
 * with `Object.create(null)` that is also circular, so neither `JSON.stringify` nor `String` can
 * read it — threw out of the attribute maker, before the work ran, and the work (a workflow's tool
 * step) failed because of its span.
 */
import { trace } from '@opentelemetry/api'
import { beforeEach, expect, it } from 'vitest'
import { withChildSpan } from '../../server/lib/telemetry/child-span'
import { contentValue } from '../../server/lib/telemetry/content'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

const useTracing = useTracingPerTest()
let tracing: TestTracing
beforeEach(() => {
  tracing = useTracing()
})

function unreadable(): object {
  const value = Object.create(null) as Record<string, unknown>
  value.self = value
  return value
}

it('contentValue gives a value with no text form a placeholder, not a throw', () => {
  expect(contentValue({ enabled: true, recordUserId: false, recordContent: true, maxContentChars: 100 }, unreadable())).toBe('[a value with no text form]')
})

it('an attribute maker that throws leaves the span without those attributes and the work runs', async () => {
  const result = await trace.getTracer('test').startActiveSpan('job', async (job) => {
    const value = await withChildSpan('step', () => {
      throw new Error('telemetry bug')
    }, async () => 'done')
    job.end()
    return value
  })
  expect(result).toBe('done')
  expect(tracing.spans().map(span => span.name)).toEqual(['step', 'job'])
})
