/**
 * What a numeric setting takes, said when its variable holds something else. A time, size or count
 * of seconds written with a unit (`NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS=10m`,
 * `…_MAX_BODY_BYTES=512kb`, `…_ISOLATION_HEAP_MB=1gb`) is a boot error: it names the unit the
 * setting is in and the number the value meant, to copy, instead of a bare `must be a number`.
 */
import { MIN_HIDDEN_CHARS } from './config-shown-value'
import { isTimerSetting, MAX_TIMER_MS } from './config-timer-max'

/** One unit a value may be written in, and how many of the setting's unit it is. */
interface WrittenUnit {
  /** How the hint says it (`minutes`). */
  word: string
  /** The setting's units in one of it. */
  factor: number
}

/** A setting's unit, recognised by the end of its key, and the units a value is commonly written in. */
interface SettingUnit {
  suffix: string
  /** The setting's unit, spelt out. */
  name: string
  written: Readonly<Record<string, WrittenUnit>>
}

const SECOND: WrittenUnit = { word: 'seconds', factor: 1 }
const MINUTE: WrittenUnit = { word: 'minutes', factor: 60 }
const HOUR: WrittenUnit = { word: 'hours', factor: 3_600 }
const DAY: WrittenUnit = { word: 'days', factor: 86_400 }
const KIB: WrittenUnit = { word: 'KiB', factor: 1_024 }
const MIB: WrittenUnit = { word: 'MiB', factor: 1_048_576 }
const GIB: WrittenUnit = { word: 'GiB', factor: 1_073_741_824 }

/** Milliseconds from seconds' units. */
function inMs(unit: WrittenUnit): WrittenUnit {
  return { word: unit.word, factor: unit.factor * 1_000 }
}

const SETTING_UNITS: readonly SettingUnit[] = [
  {
    suffix: 'Ms',
    name: 'milliseconds',
    written: { ms: { word: 'ms', factor: 1 }, s: inMs(SECOND), sec: inMs(SECOND), secs: inMs(SECOND), seconds: inMs(SECOND), m: inMs(MINUTE), min: inMs(MINUTE), mins: inMs(MINUTE), minutes: inMs(MINUTE), h: inMs(HOUR), hr: inMs(HOUR), hours: inMs(HOUR), d: inMs(DAY), days: inMs(DAY) },
  },
  {
    suffix: 'Seconds',
    name: 'seconds',
    written: { s: SECOND, sec: SECOND, secs: SECOND, seconds: SECOND, m: MINUTE, min: MINUTE, mins: MINUTE, minutes: MINUTE, h: HOUR, hours: HOUR },
  },
  {
    suffix: 'Bytes',
    name: 'bytes',
    written: { b: { word: 'bytes', factor: 1 }, k: KIB, kb: KIB, kib: KIB, m: MIB, mb: MIB, mib: MIB, g: GIB, gb: GIB, gib: GIB },
  },
  {
    suffix: 'Mb',
    name: 'megabytes (MiB)',
    written: { m: { word: 'MiB', factor: 1 }, mb: { word: 'MiB', factor: 1 }, mib: { word: 'MiB', factor: 1 }, g: { word: 'GiB', factor: 1_024 }, gb: { word: 'GiB', factor: 1_024 }, gib: { word: 'GiB', factor: 1_024 } },
  },
]

/** A number followed by a unit: `10m`, `1.5 h`, `512KB`. */
const WITH_UNIT = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i

/**
 * For a numeric setting given something that is not a number: the whole number of which unit it
 * takes, and what to set when the value is a number with a unit (`: a whole number of milliseconds;
 * if you meant 10 minutes, set 600000`). Empty for a setting that counts things (its `must be a
 * number` says it all).
 */
export function numberFormHint(key: string, value: unknown): string {
  const unit = SETTING_UNITS.find(candidate => key.endsWith(candidate.suffix))
  if (!unit) return ''
  const form = `: a whole number of ${unit.name}`
  // Only a value short enough to be quoted (config-shown-value.ts): a longer one may be a secret.
  const match = typeof value === 'string' && value.length < MIN_HIDDEN_CHARS ? WITH_UNIT.exec(value) : null
  const written = match ? unit.written[match[2]!.toLowerCase()] : undefined
  if (!match || !written) return form
  const word = Number(match[1]) === 1 && /^(seconds|minutes|hours|days)$/.test(written.word) ? written.word.slice(0, -1) : written.word
  const meant = Math.round(Number(match[1]) * written.factor)
  // A time longer than a timer can wait would only be refused next (config-timer-max.ts).
  if (isTimerSetting(key) && meant > MAX_TIMER_MS) return `${form}; ${match[1]} ${word} is longer than this setting can be: at most ${MAX_TIMER_MS} (about 24.8 days, the longest a Node timer waits)`
  return `${form}; if you meant ${match[1]} ${word}, set ${meant}`
}
