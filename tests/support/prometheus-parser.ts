/**
 * A strict reader of Prometheus text exposition (version 0.0.4), for tests: it throws naming the
 * line on anything a scraper could reject or misread — a family's HELP or TYPE twice or after its
 * samples, a family split in two, a bad name, an unescaped label value, a duplicate series, and
 * for histograms buckets out of order, not cumulative, without `+Inf`, or without `_sum`/`_count`
 * (or with a `_count` that differs from `+Inf`) per label set.
 */

/** One sample line. */
export interface PrometheusSample {
  name: string
  labels: Record<string, string>
  value: number
}

/** One metric family: its type, help and samples in order. */
export interface PrometheusFamily {
  name: string
  type: string
  help: string
  samples: PrometheusSample[]
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  if (text === 'NaN') return Number.NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value "${text}" in: ${line}`)
  return Number(text)
}

/** Reads `{a="1",b="x\"y"}` from position `start` (at the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>, end: number } {
  const labels: Record<string, string> = {}
  let index = start + 1
  while (line[index] !== '}') {
    const equals = line.indexOf('=', index)
    if (equals < 0) throw new Error(`label without "=" in: ${line}`)
    const name = line.slice(index, equals)
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name "${name}" in: ${line}`)
    if (name in labels) throw new Error(`label "${name}" twice in: ${line}`)
    if (line[equals + 1] !== '"') throw new Error(`label value not quoted in: ${line}`)
    let value = ''
    index = equals + 2
    for (;;) {
      const char = line[index]
      if (char === undefined) throw new Error(`unterminated label value in: ${line}`)
      if (char === '"') break
      if (char === '\\') {
        const next = line[index + 1]
        if (next === '\\') value += '\\'
        else if (next === '"') value += '"'
        else if (next === 'n') value += '\n'
        else throw new Error(`bad escape "\\${next}" in: ${line}`)
        index += 2
        continue
      }
      value += char
      index++
    }
    labels[name] = value
    index++
    if (line[index] === ',') index++
    else if (line[index] !== '}') throw new Error(`expected "," or "}" after a label value in: ${line}`)
  }
  return { labels, end: index + 1 }
}

function parseSample(line: string): PrometheusSample {
  const brace = line.indexOf('{')
  const space = line.indexOf(' ')
  let name: string
  let labels: Record<string, string> = {}
  let rest: string
  if (brace >= 0 && (space < 0 || brace < space)) {
    name = line.slice(0, brace)
    const parsed = parseLabels(line, brace)
    labels = parsed.labels
    rest = line.slice(parsed.end)
  }
  else {
    name = line.slice(0, space)
    rest = line.slice(space)
  }
  if (!METRIC_NAME.test(name)) throw new Error(`bad metric name "${name}" in: ${line}`)
  const parts = rest.trim().split(/\s+/)
  if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`expected " value [timestamp]" in: ${line}`)
  return { name, labels, value: parseValue(parts[0]!, line) }
}

/** The family a sample belongs to, given the families declared. */
function familyOf(sample: string, families: Map<string, PrometheusFamily>): string {
  const base = sample.replace(/_(bucket|sum|count)$/, '')
  if (base !== sample && families.get(base)?.type === 'histogram') return base
  return sample
}

const seriesId = (labels: Record<string, string>, without?: string) =>
  JSON.stringify(Object.entries(labels).filter(([name]) => name !== without).sort(([a], [b]) => (a < b ? -1 : 1)))

function checkHistogram(family: PrometheusFamily): void {
  const series = new Map<string, { bounds: Array<[number, number]>, sum?: number, count?: number }>()
  for (const sample of family.samples) {
    const id = seriesId(sample.labels, 'le')
    let entry = series.get(id)
    if (!entry) series.set(id, entry = { bounds: [] })
    if (sample.name.endsWith('_bucket')) {
      if (!('le' in sample.labels)) throw new Error(`${family.name}: a bucket without le`)
      entry.bounds.push([parseValue(sample.labels.le!, sample.labels.le!), sample.value])
    }
    else if (sample.name.endsWith('_sum')) entry.sum = sample.value
    else if (sample.name.endsWith('_count')) entry.count = sample.value
    else throw new Error(`${family.name}: sample ${sample.name} is not _bucket, _sum or _count`)
  }
  for (const [id, entry] of series) {
    const where = `${family.name} ${id}`
    if (entry.sum === undefined || entry.count === undefined) throw new Error(`${where}: _sum or _count missing`)
    if (entry.bounds.at(-1)?.[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: the last bucket is not le="+Inf"`)
    entry.bounds.forEach(([bound, count], index) => {
      const previous = entry.bounds[index - 1]
      if (previous && !(bound > previous[0])) throw new Error(`${where}: le="${bound}" follows le="${previous[0]}"`)
      if (previous && count < previous[1]) throw new Error(`${where}: le="${bound}" counts fewer than le="${previous[0]}" (not cumulative)`)
    })
    if (entry.bounds.at(-1)![1] !== entry.count) throw new Error(`${where}: le="+Inf" differs from _count`)
  }
}

/** Parses and checks an exposition; returns its families by name. */
export function parsePrometheusText(text: string): Map<string, PrometheusFamily> {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a line break')
  const families = new Map<string, PrometheusFamily>()
  const closed = new Set<string>()
  const seen = new Set<string>()
  let current: string | undefined
  const enter = (name: string) => {
    if (current === name) return
    if (closed.has(name)) throw new Error(`family ${name} is split: its lines are not together`)
    if (current !== undefined) closed.add(current)
    current = name
  }
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string]
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`)
      enter(name)
      let family = families.get(name)
      if (!family) families.set(name, family = { name, type: '', help: '', samples: [] })
      if (family.samples.length > 0) throw new Error(`# ${kind} of ${name} after its samples`)
      if (kind === 'HELP') {
        if (family.help) throw new Error(`# HELP of ${name} twice`)
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`bad escape in: ${line}`)
        family.help = rest || ' '
      }
      else {
        if (family.type) throw new Error(`# TYPE of ${name} twice`)
        if (!TYPES.has(rest)) throw new Error(`unknown type in: ${line}`)
        family.type = rest
      }
      continue
    }
    if (line.startsWith('#')) continue
    const sample = parseSample(line)
    const name = familyOf(sample.name, families)
    enter(name)
    let family = families.get(name)
    if (!family) families.set(name, family = { name, type: 'untyped', help: '', samples: [] })
    const id = `${sample.name}${seriesId(sample.labels)}`
    if (seen.has(id)) throw new Error(`duplicate series: ${line}`)
    seen.add(id)
    family.samples.push(sample)
  }
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family)
  }
  return families
}
