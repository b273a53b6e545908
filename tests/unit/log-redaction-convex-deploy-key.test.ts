/**
 * A Convex deploy key (`CONVEX_DEPLOY_KEY`: `prod:happy-otter-123|<key>`, also `dev:…`, and
 * `preview:<team>:<project>|…` or `project:<team>:<project>|…`) pushes code to the deployment and
 * reads and writes all its data. An app on the convex provider has one in its build or CI
 * environment, and a tool or hook that runs `npx convex …` quotes it in its error when that fails;
 * the logger wrote it as it was (no field name, no `sk-`, no URL, no JWT dots). It is redacted now,
 * by its shape, where it starts a word; a deployment's name alone stays.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

const KEY = 'eyJ2MjAyNSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIn0='

describe('Convex deploy keys', () => {
  it.each([
    `CONVEX_DEPLOY_KEY=prod:happy-otter-123|${KEY}`,
    `npx convex deploy failed (key dev:joyful-cat-42|${KEY})`,
    `{"key":"preview:acme-team:web-app|${KEY}"}`,
    `project:acme-team:web-app|0123456789abcdef0123456789abcdef0123456789abcdef refused`,
    `Authorization was prod:happy-otter-123|${KEY.slice(0, 20)}`,
  ])('%s', (text) => {
    const redacted = redact(text) as string
    expect(redacted).toContain('[redacted]')
    expect(redacted).not.toMatch(/eyJ2MjAy|0123456789abcdef0123/)
  })

  it('keeps a deployment named alone, and words that begin alike', () => {
    for (const text of ['deployment prod:happy-otter-123 is at version 1.4', 'dev:watch | tee log', 'preview:branch|short', 'the prod:|dev: prefixes']) expect(redact(text)).toBe(text)
  })
})
