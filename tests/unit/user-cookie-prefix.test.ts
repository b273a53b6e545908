/**
 * Over https the anonymous user cookie is `__Host-bgjobs_uid`, which a browser takes only from
 * this host (Secure, Path=/, no Domain): a page on a sibling subdomain can set a
 * `bgjobs_uid` for the whole domain (cookie tossing), and would then share — and read — the
 * visitor's chats. Such a cookie is not read over https, however validly sealed it is.
 */
import { eventHandler } from 'h3'
import { describe, expect, it } from 'vitest'
import { anonymousUserId, SECURE_USER_COOKIE, USER_COOKIE } from '../../server/lib/http/user'
import { useH3Server } from '../support/h3-server'

const SECRET = 'a-secret-of-at-least-32-characters!!'

const served = useH3Server(eventHandler(event => anonymousUserId(event, SECRET)))

/** One request; `https` as a TLS-terminating proxy says it (X-Forwarded-Proto). */
async function visit(options: { https: boolean, cookie?: string }) {
  const response = await fetch(`http://127.0.0.1:${served.port}/`, {
    headers: { ...(options.https ? { 'x-forwarded-proto': 'https' } : {}), ...(options.cookie ? { cookie: options.cookie } : {}) },
  })
  const setCookie = response.headers.get('set-cookie')
  return { id: await response.text(), setCookie, pair: setCookie?.split(';')[0] ?? null }
}

describe('the anonymous user cookie over https', () => {
  it('is __Host-bgjobs_uid: Secure, Path=/, HttpOnly, SameSite=Lax, no Domain', async () => {
    const { setCookie } = await visit({ https: true })
    expect(setCookie).toMatch(new RegExp(`^${SECURE_USER_COOKIE}=Fe26\\.2\\*\\*`))
    expect(setCookie).toMatch(/; Path=\/(;|$)/)
    expect(setCookie).toMatch(/; Secure(;|$)/)
    expect(setCookie).toMatch(/; HttpOnly(;|$)/)
    expect(setCookie).toMatch(/; SameSite=Lax(;|$)/)
    expect(setCookie).not.toMatch(/Domain=/i)
  })

  it('is read back as the same user', async () => {
    const first = await visit({ https: true })
    const again = await visit({ https: true, cookie: first.pair! })
    expect(again.id).toBe(first.id)
    expect(again.setCookie).toBeNull()
  })

  it('a plain bgjobs_uid (what a sibling subdomain can plant) is not read: the visitor stays itself', async () => {
    // A validly sealed cookie of another user, as a planter would get one from this server over http.
    const planted = await visit({ https: false })
    expect(planted.pair).toMatch(new RegExp(`^${USER_COOKIE}=`))
    const fresh = await visit({ https: true, cookie: planted.pair! })
    expect(fresh.id).not.toBe(planted.id)
    expect(fresh.pair).toMatch(new RegExp(`^${SECURE_USER_COOKIE}=`))
    // Sent before the visitor's own cookie (a longer Path comes first): still the visitor's own.
    const own = await visit({ https: true })
    expect((await visit({ https: true, cookie: `${planted.pair}; ${own.pair}` })).id).toBe(own.id)
  })
  it('a cookie whose name only trims to __Host-bgjobs_uid (a leading NBSP byte: no prefix, so a sibling subdomain may set it for the whole domain) is not read: the visitor stays itself', async () => {
    const planter = await visit({ https: true })
    const tossed = `\u00A0${planter.pair}`
    const fresh = await visit({ https: true, cookie: tossed })
    expect(fresh.id).not.toBe(planter.id)
    expect(fresh.pair).toMatch(new RegExp(`^${SECURE_USER_COOKIE}=`))
    // Sent before the visitor's own cookie (its longer Path comes first): still the visitor's own.
    const own = await visit({ https: true })
    expect((await visit({ https: true, cookie: `${tossed}; ${own.pair}` })).id).toBe(own.id)
    // Tabs and spaces around the name are the cookie syntax's own (RFC 6265 §5.2): still read.
    expect((await visit({ https: true, cookie: `\t ${own.pair}` })).id).toBe(own.id)
  })
})

describe('the anonymous user cookie over http', () => {
  it('keeps its plain name (a __Host- cookie needs Secure), without Secure', async () => {
    const first = await visit({ https: false })
    expect(first.setCookie).toMatch(new RegExp(`^${USER_COOKIE}=`))
    expect(first.setCookie).not.toMatch(/; Secure/)
    expect((await visit({ https: false, cookie: first.pair! })).id).toBe(first.id)
  })
})
