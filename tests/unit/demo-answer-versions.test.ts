/**
 * The demo chat's turns with their versions (demo/app/lib/answer-versions.ts), as ChatGPT and Claude
 * show them: the jobs that answer the same message are one turn's versions, in place, instead of a
 * new turn below for each Regenerate or Retry ("answered again below" before). Pure: the thread's
 * jobs in, its turns out, so the versions are the same after a reload and in every tab.
 */
import * as vue from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import type { TurnVersions } from '../../demo/app/lib/answer-versions'
import { shownVersion, turnVersions, versionLabel } from '../../demo/app/lib/answer-versions'
import { useVersionChoices } from '../../demo/app/composables/useVersionChoices'

function job(id: string, createdAt: number, extra: Partial<ThreadJob> = {}): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: id, prompt: id, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0, ...extra }
}
/** The main chat's Regenerate or Retry of the message `messageId`. */
const again = (id: string, createdAt: number, messageId: string, extra: Partial<ThreadJob> = {}) => job(id, createdAt, { messageId, startedBy: 'jobs', ...extra })

/** Each turn's version ids, in the order shown. */
const idsOf = (turns: TurnVersions[]) => turns.map(turn => turn.versions.map(version => version.id))

describe('turnVersions', () => {
  it('makes a Regenerate of the newest answer its second version, in place', () => {
    const turns = turnVersions([job('j1', 1), job('j2', 2), again('j3', 3, 'j2')])
    expect(idsOf(turns)).toEqual([['j1'], ['j2', 'j3']])
    // Keyed by the message: the same turn (the same component) before and after.
    expect(turns.map(turn => turn.key)).toEqual(['chat:j1', 'chat:j2'])
    expect(turnVersions([job('j1', 1), job('j2', 2)]).map(turn => turn.key)).toEqual(['chat:j1', 'chat:j2'])
  })

  it('takes the jobs in any order, as the server lists them (newest first)', () => {
    expect(idsOf(turnVersions([again('j4', 4, 'j2'), again('j3', 3, 'j2'), job('j2', 2), job('j1', 1)]))).toEqual([['j1'], ['j2', 'j3', 'j4']])
  })

  it('moves a turn retried after later answers to the end: its new version was written after them, with them as history', () => {
    const turns = turnVersions([job('j1', 1), job('j2', 2, { status: 'failed' }), job('j3', 3), again('j4', 4, 'j2')])
    expect(idsOf(turns)).toEqual([['j1'], ['j3'], ['j2', 'j4']])
  })

  it('shows an /ai-sdk edit or regeneration as a version, and not the turns an edit of an earlier message dropped', () => {
    const turns = turnVersions([job('j1', 1, { messageId: 'm1' }), job('j2', 2, { messageId: 'm2' }), job('j3', 3, { messageId: 'm1', prompt: 'j1 edited' }), job('j4', 4)])
    expect(idsOf(turns)).toEqual([['j1', 'j3'], ['j4']])
  })

  it('groups an answer the AI SDK page gave a main-chat message under `<jobId>:user`', () => {
    expect(idsOf(turnVersions([job('j1', 1), job('j2', 2, { messageId: 'j1:user' })]))).toEqual([['j1', 'j2']])
  })

  it('groups a workflow\'s Retry with it, never with a chat turn', () => {
    const turns = turnVersions([job('w1', 1, { type: 'workflow', status: 'failed' }), job('j2', 2), again('w3', 3, 'w1', { type: 'workflow', startedBy: undefined })])
    expect(idsOf(turns)).toEqual([['j2'], ['w1', 'w3']])
  })

  it('puts a job the server no longer lists (lost) with the versions of its message, else in a turn of its own', () => {
    const turns = turnVersions([job('j1', 1), again('j2', 2, 'j1', { missing: true }), job('j3', 3, { missing: true })])
    expect(idsOf(turns)).toEqual([['j1', 'j2'], ['j3']])
  })

  it('drops a lost version once its turn has a newer one: it is never asked again, and no dead "1 / 2" stays', () => {
    // Two versions, both lost in a restart: the newest shows, lost, with Retry (before: "‹ 2 / 2", a lost v1 with Retry behind ‹).
    expect(idsOf(turnVersions([job('j1', 1, { missing: true }), again('j2', 2, 'j1', { missing: true })]))).toEqual([['j2']])
    // Its Retry: the new version alone (before: [['j1', 'j3']], the lost v1 kept as "1 / 2" for good).
    expect(idsOf(turnVersions([job('j1', 1, { missing: true }), again('j3', 3, 'j1')]))).toEqual([['j3']])
    // A finished version past retention, with a newer one still on the server.
    expect(idsOf(turnVersions([job('j1', 1, { missing: true }), again('j2', 2, 'j1'), again('j3', 3, 'j1')]))).toEqual([['j2', 'j3']])
  })

  it('keeps a lost turn\'s key when its Retry takes its place (the same component, not one mounted again)', () => {
    const lost = job('j1', 1, { missing: true })
    const retried = again('j2', 2, 'j1')
    expect(turnVersions([lost]).map(turn => turn.key)).toEqual(['chat:j1'])
    expect(turnVersions([lost, retried]).map(turn => turn.key)).toEqual(['chat:j1'])
    expect(turnVersions([retried]).map(turn => turn.key)).toEqual(['chat:j1'])
  })

  it('keeps turns in creation order when nothing was answered again', () => {
    expect(idsOf(turnVersions([job('j2', 2), job('w1', 3, { type: 'workflow' }), job('j1', 1)]))).toEqual([['j1'], ['j2'], ['w1']])
  })
})

describe('shownVersion', () => {
  const turn: TurnVersions = { key: 'j1', versions: [job('j1', 1), again('j2', 2, 'j1'), again('j3', 3, 'j1')] }

  it('shows the newest version unless the user chose another', () => {
    expect(shownVersion(turn, undefined).id).toBe('j3')
    expect(shownVersion(turn, { jobId: 'j1', newestId: 'j3' }).id).toBe('j1')
  })

  it('shows a version newer than the choice (a Regenerate after going back), and the newest when the chosen one is gone', () => {
    expect(shownVersion(turn, { jobId: 'j1', newestId: 'j2' }).id).toBe('j3')
    expect(shownVersion(turn, { jobId: 'gone', newestId: 'j3' }).id).toBe('j3')
  })
})

describe('versionLabel', () => {
  it('says which version of how many, from 1', () => {
    expect(versionLabel(1, 3)).toBe('Version 2 of 3')
  })
})

describe('useVersionChoices', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('shows a chosen version until a newer one comes, and reveals a version a question waits on', () => {
    for (const name of ['reactive', 'ref', 'watch'] as const) vi.stubGlobal(name, vue[name])
    // Outside a component: "mounted" at once (no storage here: nothing kept, nothing read).
    vi.stubGlobal('onMounted', (hook: () => void) => hook())
    const turns = vue.ref<TurnVersions[]>([{ key: 'chat:j1', versions: [job('j1', 1), again('j2', 2, 'j1')] }])
    const { shownIdOf, choose, reveal } = useVersionChoices('t1', turns, vue.ref(true))
    expect(shownIdOf(turns.value[0]!)).toBe('j2')
    choose('chat:j1', 'j1')
    expect(shownIdOf(turns.value[0]!)).toBe('j1')
    // "Show" for a question on the newest version, while the first is looked at: it shows, once.
    expect(reveal('j2')).toBe(true)
    expect(shownIdOf(turns.value[0]!)).toBe('j2')
    expect(reveal('j2')).toBe(false)
    choose('chat:j1', 'j1')
    turns.value = [{ key: 'chat:j1', versions: [...turns.value[0]!.versions, again('j3', 3, 'j1')] }]
    expect(shownIdOf(turns.value[0]!)).toBe('j3')
  })
})
