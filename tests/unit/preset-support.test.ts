/**
 * Where the layer runs (docs/where-it-runs.md): the build stops for presets where jobs
 * cannot outlive their request (serverless, edge, static, a one-shot command), naming the preset,
 * why and the fix; long-lived servers build; `allowPreset` builds a refused preset anyway.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNuxt } from 'nuxt/kit'
import { afterAll, describe, expect, it } from 'vitest'
import { allowPresetAtBuild, checkPreset, presetDecision, presetKind, UnsupportedPresetError } from '../../lib/preset-support'
import { ROOT } from '../support/server-process'

const buildDir = mkdtempSync(join(tmpdir(), 'bgjobs-preset-'))
afterAll(() => rmSync(buildDir, { recursive: true, force: true }))

describe('preset support', () => {
  it.each(['node-server', 'node-listener', 'bun', 'deno-server', 'heroku', 'render-com', 'koyeb', 'nitro-dev', 'nitro-prerender'])('builds for the long-lived server preset %s', (preset) => {
    expect(presetDecision(preset)).toEqual({ action: 'build' })
  })

  it('builds for node-cluster: whether it runs is decided at boot (provider, worker count)', () => {
    expect(presetKind('node-cluster')).toBe('cluster')
    expect(presetDecision('node-cluster')).toEqual({ action: 'build' })
  })

  it.each([
    ['vercel', 'serverless'],
    ['netlify', 'serverless'],
    ['netlify-legacy', 'serverless'],
    ['aws-lambda', 'serverless'],
    ['aws_lambda', 'serverless'],
    ['azure-functions', 'serverless'],
    ['firebase', 'serverless'],
    ['cloudflare-module', 'edge'],
    ['cloudflare-pages', 'edge'],
    ['vercel-edge', 'edge'],
    ['deno-deploy', 'edge'],
    ['static', 'static'],
    ['github-pages', 'static'],
    ['cli', 'command'],
  ])('refuses %s (%s), naming the preset, why, the fix and the escape hatch', (preset, kind) => {
    expect(presetKind(preset)).toBe(kind)
    const decision = presetDecision(preset)
    expect(decision.action).toBe('refuse')
    const message = (decision as { message: string }).message
    expect(message).toContain(`the Nitro preset "${preset}"`)
    expect(message).toContain('node-server')
    expect(message).toContain(`allowPreset: '${preset}'`)
    expect(message).toContain('NUXT_BACKGROUND_JOBS_ALLOW_PRESET')
    expect(message).toContain('docs/where-it-runs.md')
  })

  it('says why for each kind', () => {
    expect((presetDecision('vercel') as { message: string }).message).toContain('serverless functions, which are frozen or stopped once their response ends')
    expect((presetDecision('cloudflare-module') as { message: string }).message).toContain('no Node APIs')
    expect((presetDecision('static') as { message: string }).message).toContain('no server')
  })

  it('builds a refused preset that allowPreset names (one of a comma-separated list), not another', () => {
    expect(presetDecision('vercel', 'vercel')).toEqual({ action: 'build' })
    expect(presetDecision('aws-lambda', 'vercel, aws_lambda')).toEqual({ action: 'build' })
    expect(presetDecision('netlify', 'vercel').action).toBe('refuse')
  })

  it('reads allowPreset at build time as a list: commas, spaces or a JSON array (config.md, "Lists")', () => {
    // NUXT_BACKGROUND_JOBS_ALLOW_PRESET='["vercel"]' was read as the one name `["vercel"]`: the build stopped.
    for (const env of ['vercel', 'netlify vercel', '["vercel"]', '["netlify", "vercel"]']) {
      expect(presetDecision('vercel', allowPresetAtBuild(undefined, env)), env).toEqual({ action: 'build' })
    }
    expect(presetDecision('vercel', allowPresetAtBuild('netlify', '["aws-lambda","vercel"]'))).toEqual({ action: 'build' })
    expect(presetDecision('vercel', allowPresetAtBuild('vercel', undefined))).toEqual({ action: 'build' })
    expect(presetDecision('vercel', allowPresetAtBuild('', '["netlify"]')).action).toBe('refuse')
    expect(allowPresetAtBuild('', undefined)).toBe('')
  })

  it('warns for a preset it does not know, and builds it', () => {
    const decision = presetDecision('./my-preset')
    expect(decision).toMatchObject({ action: 'warn', message: expect.stringContaining('"./my-preset" is not one the layer knows') })
    const warnings: string[] = []
    checkPreset('./my-preset', '', message => warnings.push(message))
    expect(warnings).toHaveLength(1)
    expect(presetDecision('./my-preset', './my-preset')).toEqual({ action: 'build' })
  })

  it('checkPreset throws for a refused preset', () => {
    expect(() => checkPreset('vercel', '', () => {})).toThrow(UnsupportedPresetError)
    expect(() => checkPreset('node-server', '', () => {})).not.toThrow()
  })

  it('stops the build of an app for the vercel preset, and builds it with allowPreset', async () => {
    const load = (overrides: Record<string, unknown>) => loadNuxt({
      cwd: join(ROOT, 'tests/fixtures/adopt'),
      ready: true,
      overrides: { buildDir, telemetry: false, nitro: { preset: 'vercel' }, ...overrides } as Record<string, unknown>,
    })
    await expect(load({})).rejects.toThrow('the Nitro preset "vercel" deploys serverless functions')
    const nuxt = await load({ backgroundJobs: { allowPreset: 'vercel' } })
    await nuxt.close()
  })
})
