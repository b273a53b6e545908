import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ToolContext } from '../../server/lib/tools/types'
import { ToolError } from '../../server/lib/tools/tool-error'
import calculate from '../../demo/server/tools/calculate'
import deleteFile from '../../demo/server/tools/delete-file'
import getCurrentTime from '../../demo/server/tools/get-current-time'
import slowTask from '../../demo/server/tools/slow-task'
import crawlSite from '../../demo/server/tools/crawl-site'
import deploySite from '../../demo/server/tools/deploy-site'

function toolContext(signal = new AbortController().signal, progress: ToolContext['progress'] = () => {}): ToolContext {
  return { signal, userId: 'user-1', jobId: 'job-1', threadId: null, step: 1, progress }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('demo tools', () => {
  it('get_current_time: UTC by default, or the asked time zone', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') })
    expect(await getCurrentTime.execute({}, toolContext())).toMatchObject({ iso: '2026-03-01T12:00:00.000Z', timezone: 'UTC' })
    const paris = await getCurrentTime.execute({ timezone: 'Europe/Paris' }, toolContext())
    expect(paris.formatted).toContain('13:00:00')
  })

  it('get_current_time: an unknown zone is an error that names the fix, a ToolError (the model reads it)', () => {
    expect(() => getCurrentTime.execute({ timezone: 'Mars/Olympus' }, toolContext())).toThrow(/Unknown time zone "Mars\/Olympus"; use an IANA name/)
    expect(() => getCurrentTime.execute({ timezone: 'Mars/Olympus' }, toolContext())).toThrow(ToolError)
  })

  it('calculate: evaluates, and refuses code', async () => {
    expect(await calculate.execute({ expression: '2+3' }, toolContext())).toEqual({ expression: '2+3', result: 5 })
    expect(() => calculate.execute({ expression: 'require("fs")' }, toolContext())).toThrow(/Unexpected "r"/)
  })

  it('slow_task: waits the asked time', async () => {
    vi.useFakeTimers()
    const done = slowTask.execute({ seconds: 2 }, toolContext())
    await vi.advanceTimersByTimeAsync(2000)
    expect(await done).toEqual({ waitedMs: 2000 })
    expect(slowTask.timeoutMs).toBeGreaterThan(30_000)
    expect(slowTask.parameters.safeParse({ seconds: 31 }).success).toBe(false)
  })

  it('slow_task: stops at once when its signal fires, leaving no timer', async () => {
    vi.useFakeTimers()
    const controller = new AbortController()
    const done = slowTask.execute({ seconds: 20 }, toolContext(controller.signal))
    controller.abort(new Error('stop'))
    await expect(done).rejects.toThrow('stop')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('crawl_site: reports its progress page by page, with a fraction, and stops when its signal fires', async () => {
    vi.useFakeTimers()
    const updates: unknown[] = []
    const done = crawlSite.execute({ url: 'https://example.com/', pages: 4 }, toolContext(undefined, update => updates.push(update)))
    await vi.advanceTimersByTimeAsync(800)
    expect(updates).toEqual([
      { message: 'Fetching 4 pages from https://example.com/', fraction: 0 },
      { message: 'Fetched 1 of 4 pages', fraction: 0.25 },
      { message: 'Fetched 2 of 4 pages', fraction: 0.5 },
    ])
    await vi.advanceTimersByTimeAsync(800)
    expect(await done).toMatchObject({ pages: ['Page 1 of https://example.com/', 'Page 2 of https://example.com/', 'Page 3 of https://example.com/', 'Page 4 of https://example.com/'] })
    expect(updates.at(-1)).toEqual({ message: 'Fetched 4 of 4 pages', fraction: 1 })
    const controller = new AbortController()
    const stopped = crawlSite.execute({ url: 'https://example.com/', pages: 20 }, toolContext(controller.signal))
    controller.abort(new Error('stop'))
    await expect(stopped).rejects.toThrow('stop')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('delete_file: needs approval and touches nothing', async () => {
    expect(deleteFile.needsApproval).toBe(true)
    expect(await deleteFile.execute({ path: '/etc/passwd', recursive: false }, toolContext())).toEqual({ deleted: '/etc/passwd', note: expect.stringContaining('no file was touched') })
    // The model may leave `recursive` out: the schema's default is what runs (and what an approval shows).
    expect(deleteFile.parameters.parse({ path: 'notes.txt' })).toEqual({ path: 'notes.txt', recursive: false })
  })

  it('deploy_site: needs approval, then reports its progress file by file, and stops when its signal fires', async () => {
    expect(deploySite.needsApproval).toBe(true)
    expect(deploySite.parameters.parse({})).toEqual({ site: 'example-site', files: 5 })
    vi.useFakeTimers()
    const updates: unknown[] = []
    const done = deploySite.execute({ site: 'blog', files: 2 }, toolContext(undefined, update => updates.push(update)))
    await vi.advanceTimersByTimeAsync(400)
    expect(updates).toEqual([{ message: 'Uploading 2 files of blog', fraction: 0 }, { message: 'Uploaded 1 of 2 files', fraction: 0.5 }])
    await vi.advanceTimersByTimeAsync(400)
    expect(await done).toEqual({ deployed: 'blog', files: 2, note: expect.stringContaining('nothing was published') })
    const controller = new AbortController()
    const stopped = deploySite.execute({ site: 'blog', files: 20 }, toolContext(controller.signal))
    controller.abort(new Error('stop'))
    await expect(stopped).rejects.toThrow('stop')
    expect(vi.getTimerCount()).toBe(0)
  })
})
