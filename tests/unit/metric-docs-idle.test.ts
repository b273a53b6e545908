/**
 * The gauges docs/observability.md calls "0 when idle, else a leak" are 0 once a job has ended
 * and nobody watches — an operator alerts on them. The table listed gauges that stay above 0 on a
 * healthy idle instance (the retention cleanup interval runs until shutdown, a user's recent
 * notifications are kept for reconnects until retention): every finished job looked like a leak.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { engineGauges } from '../../server/lib/prometheus'
import { chatRequest, createTestEngine } from '../support/engine-harness'

/** The metrics named in the rows of observability.md's metrics table whose question says "0 when idle". */
function documentedZeroWhenIdle(): string[] {
  const text = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
  const rows = text.slice(text.indexOf('\n## Metrics')).split('\n').filter(line => line.startsWith('| ') && line.includes('0 when idle'))
  expect(rows.length, 'a row of gauges that are 0 when idle').toBeGreaterThan(0)
  return rows.flatMap(row => [...(row.split(' | ')[1] ?? '').matchAll(/`([a-z_]+)`/g)].map(match => match[1]!))
}

describe('gauges documented as 0 when idle', () => {
  it('are 0 after a job has ended, with nobody watching', async () => {
    const { engine } = createTestEngine({ runners: { chat: async context => context.text('done') } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    const gauges = engineGauges(engine.stats(), 0)
    const documented = documentedZeroWhenIdle()
    expect(documented.filter(name => !(name in gauges)), 'named in the row but not a gauge').toEqual([])
    expect(Object.fromEntries(documented.filter(name => gauges[name] !== 0).map(name => [name, gauges[name]]))).toEqual({})
    await engine.dispose()
  })
})
