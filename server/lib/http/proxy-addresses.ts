/**
 * `trustedProxyAddresses`: the reverse proxies in front of the app named by address (IPs and CIDR
 * ranges, IPv4 and IPv6: `10.0.0.0/8,fd00::/8`) instead of counted (`trustedProxies`). A count
 * trusts whatever peer connects: a client that reaches the app directly writes any
 * `X-Forwarded-For` and names any address. With the list, the header is read only when the
 * connection comes from a listed proxy, and the client is the first entry from its right end that
 * is not a listed proxy (decision 031). Parsed once per configured text into a `BlockList`.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import type { BackgroundJobsConfig } from '../config'

/** The listed proxies, ready to match an address against. */
export interface ProxyAddresses {
  readonly list: BlockList
}

/** The entries of the setting: separated by commas, spaces or both. */
function entriesOf(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean)
}

/** What to write instead of an entry that is no address or range. */
const ENTRY_FIX = 'write an IPv4 or IPv6 address or a CIDR range, e.g. 10.0.0.0/8,fd00::/8'

/** A bad entry's problem and its fix (null: a valid IP address or CIDR range). */
function entryProblem(entry: string): string | null {
  const slash = entry.indexOf('/')
  const address = slash === -1 ? entry : entry.slice(0, slash)
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0
  if (family === 0) return `which is not an IP address or CIDR range: ${ENTRY_FIX}`
  if (slash === -1) return null
  const bits = entry.slice(slash + 1)
  const max = family === 4 ? 32 : 128
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `whose prefix length must be a whole number from 0 to ${max}: ${ENTRY_FIX}`
  if (family === 6 && Number(bits) < EMBEDDED_IPV4_BITS && EMBEDDED_IPV4.check(address, 'ipv6')) return embeddedRangeProblem(address, Number(bits))
  return null
}

/** The bits before the IPv4 address in an IPv4-mapped (`::ffff:0:0/96`) or NAT64 (`64:ff9b::/96`) address. */
const EMBEDDED_IPV4_BITS = 96

/** The IPv6 ranges whose addresses carry an IPv4 address in their last 32 bits. */
const EMBEDDED_IPV4 = new BlockList()
EMBEDDED_IPV4.addSubnet('::ffff:0:0', EMBEDDED_IPV4_BITS, 'ipv6')
EMBEDDED_IPV4.addSubnet('64:ff9b::', EMBEDDED_IPV4_BITS, 'ipv6')

/**
 * An IPv4 range written IPv4-mapped or NAT64 with the IPv4 prefix length (`::ffff:10.0.0.0/8`): an
 * IPv6 prefix counts all 128 bits, so it is `::/8`, far more than the IPv4 range meant — with the
 * IPv4-mapped addresses in it, every IPv4 client (`BlockList` matches an IPv4 peer against them)
 * would be trusted to name any address in `X-Forwarded-For`.
 */
function embeddedRangeProblem(address: string, bits: number): string {
  const range = new BlockList()
  range.addSubnet(address, bits, 'ipv6')
  const reach = range.check('::ffff:0:0', 'ipv6') ? 'holds every IPv4 address (any client could name any address in X-Forwarded-For)' : 'holds far more addresses than the IPv4 range'
  const meant = bits <= 32 ? `, /${bits + EMBEDDED_IPV4_BITS} for an IPv4 /${bits}` : ''
  return `whose prefix length counts the whole IPv6 address, so /${bits} reaches past the IPv4 part and ${reach}: write the IPv4 range itself (10.0.0.0/8), or a prefix length of ${EMBEDDED_IPV4_BITS} or more${meant}`
}

/** Each entry that is not an IP address or CIDR range (or one that trusts every IPv4 client), with why and the fix (config-validate.ts names them). */
export function proxyAddressProblems(text: string): { entry: string, problem: string }[] {
  return entriesOf(text).flatMap((entry) => {
    const problem = entryProblem(entry)
    return problem ? [{ entry, problem }] : []
  })
}

/**
 * What is wrong with `trustedProxyAddresses` (config-validate.ts adds the key's name): each entry
 * that is not an IP address or CIDR range, and the setting given together with `trustedProxies`.
 */
export function proxyAddressSettingProblems(config: BackgroundJobsConfig): string[] {
  // Not a text (a JSON object: config-validate.ts's text check names it).
  if (typeof config.trustedProxyAddresses !== 'string' || !config.trustedProxyAddresses.trim()) return []
  const problems = proxyAddressProblems(config.trustedProxyAddresses).map(({ entry, problem }) => `lists ${JSON.stringify(entry)}, ${problem}`)
  if (config.trustedProxies !== 0) problems.push(`is set together with trustedProxies (${config.trustedProxies}): give one of them — the listed addresses name the proxies exactly, so set trustedProxies to 0 (decision 031)`)
  return problems
}

/** The list of a valid setting's text (entries config validation refused are left out). */
export function parseProxyAddresses(text: string): ProxyAddresses {
  const list = new BlockList()
  for (const entry of entriesOf(text)) {
    if (entryProblem(entry)) continue
    const [address, bits] = entry.split('/') as [string, string | undefined]
    const family = isIPv4(address) ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(address, family)
    else list.addSubnet(address, Number(bits), family)
  }
  return { list }
}

let cachedText: string | undefined
let cachedList: ProxyAddresses | undefined

/**
 * What the client address is read with: the listed proxies when `trustedProxyAddresses` is set
 * (parsed once, then reused for every request with the same text), else the `trustedProxies` count.
 */
export function trustedProxiesOf(config: BackgroundJobsConfig): number | ProxyAddresses {
  const text = String(config.trustedProxyAddresses ?? '').trim()
  if (!text) return config.trustedProxies
  if (text !== cachedText) {
    cachedList = parseProxyAddresses(text)
    cachedText = text
  }
  return cachedList!
}

/**
 * True when a bare address (no brackets, port or zone) is a listed proxy. An IPv4-mapped address
 * matches its IPv4 entry however it is written — `::ffff:10.0.0.1` (a dual-stack socket's IPv4
 * peer), `::ffff:a00:1`, all eight groups —: `BlockList` compares the parsed bytes (Node documents
 * `check('::ffff:7b7b:7b7b', 'ipv6')` matching `123.123.123.123`), as `addressKey` counts them.
 * A NAT64 address (`64:ff9b::a00:1`) does not match `10.0.0.1`: it is listed as such (decision 031).
 */
export function isListedProxy(proxies: ProxyAddresses, address: string): boolean {
  if (isIPv4(address)) return proxies.list.check(address, 'ipv4')
  return isIPv6(address) && proxies.list.check(address, 'ipv6')
}

/**
 * The client's raw address behind listed proxies: the socket's peer when it is not a listed proxy
 * (a client that reached the app directly: its own `X-Forwarded-For` is not read), else the first
 * `X-Forwarded-For` entry from the right that is not one. When every entry is a listed proxy, the
 * leftmost one (the farthest hop known). `strip` takes off brackets, ports and zones.
 */
export function clientBehindListedProxies(proxies: ProxyAddresses, socketAddress: string, forwardedFor: string | undefined, strip: (raw: string) => string): string {
  if (!isListedProxy(proxies, strip(socketAddress))) return socketAddress
  if (!forwardedFor) return socketAddress
  let end = forwardedFor.length
  let hop = socketAddress
  // Right to left without splitting the header into an array.
  while (end > 0) {
    const comma = forwardedFor.lastIndexOf(',', end - 1)
    const entry = forwardedFor.slice(comma + 1, end).trim()
    end = comma === -1 ? 0 : comma
    if (!entry) continue
    hop = entry
    if (!isListedProxy(proxies, strip(entry))) return entry
  }
  return hop
}
