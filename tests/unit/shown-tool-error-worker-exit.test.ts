/**
 * A tool whose isolation worker died: the failure's text names the worker's exit error, which the
 * tool's own code may have thrown (a native addon's error, a throw past the worker's stray-error
 * trap) with a URL or a host in it — what `tools.errorMessages` `tool-errors` (the default) keeps
 * from the model and the page. They read that the tool stopped its worker; the log keeps the cause.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { shownToolError } from '../../server/lib/executor/shown-tool-error'
import { ToolWorkerExitedError } from '../../server/lib/isolation/errors'

const died = new ToolWorkerExitedError('lookup', new Error('getaddrinfo ENOTFOUND billing.internal.example (GET https://billing.internal.example/v1/accounts?key=abc)'))

describe('a tool whose isolation worker died', () => {
  it('by default reads only that it stopped its worker', () => {
    expect(shownToolError(died, resolveConfig({}))).toBe('Tool "lookup" stopped its isolation worker')
  })

  it('with tools.errorMessages all, the whole message', () => {
    expect(shownToolError(died, resolveConfig({ tools: { errorMessages: 'all' } }))).toContain('billing.internal.example')
  })
})
