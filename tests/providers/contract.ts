/**
 * The provider contract suite: one set of tests that every provider must pass. A provider's test
 * file calls `defineProviderContract` with a factory that builds a fresh provider per test.
 *
 * Time is the suite's own: a provider that takes a clock uses `context.now`; one that reads the
 * system clock (convex-test under fake timers) returns its own `now` and `advanceTime` instead.
 */
import { afterEach, beforeEach, describe } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { START_MS } from './contract-fixtures'
import { defineControlContract } from './contract-controls'
import { defineDeletionContract } from './contract-deletion'
import { defineEventContract } from './contract-events'
import { defineExpiryContract } from './contract-expiry'
import { defineLeaseContract } from './contract-leases'
import { defineLimitContract } from './contract-limits'
import { defineRecordContract } from './contract-records'
import { defineSubscribeContract } from './contract-subscribe'
import { defineThreadContract } from './contract-threads'
import { defineThreadTitleContract } from './contract-thread-titles'

/** What the suite hands to the factory. */
export interface ProviderContractContext {
  /** The suite's clock (epoch ms); starts at `START_MS` and moves only when a test advances it. */
  now: () => number
}

/** A provider under test and the hooks the suite needs around it. */
export interface ProviderHarness {
  provider: JobProvider
  /** The clock the provider reads, when it is not `context.now`. */
  now?: () => number
  /** Moves the provider's clock forward, when it is not `context.now` (for example fake timers). */
  advanceTime?: (ms: number) => void | Promise<void>
  /** Lets subscription deliveries that are asynchronous arrive before the suite checks them. */
  flush?: () => Promise<void>
  /** Frees what the factory made (called after each test, after `provider.dispose`). */
  cleanup?: () => Promise<void>
}

/** Parts of the contract a provider may leave out (they are optional in `JobProvider`). */
export interface ProviderContractOptions {
  /** Run the lease tests (`claimLease`, `heartbeatLease`, `listExpiredLeases`). @default true */
  leases?: boolean
  /** Run the `subscribe` tests. @default true */
  subscribe?: boolean
  /** Run the control tests (`sendControl`, `subscribeControls`, replies, `subscribeUserJobs`). @default true */
  controls?: boolean
}

/** Builds a fresh provider for one test. */
export type ProviderFactory = (context: ProviderContractContext) => Promise<ProviderHarness>

/** What each part of the suite reads during a test. */
export interface ContractScope {
  readonly provider: JobProvider
  /** The provider's clock. */
  now(): number
  /** Moves the provider's clock forward. */
  advance(ms: number): Promise<void>
  /** Waits for asynchronous subscription deliveries (a no-op for synchronous providers). */
  flush(): Promise<void>
}

/**
 * Defines the provider contract tests for one provider.
 * @example defineProviderContract('memory', async ({ now }) => ({ provider: createMemoryProvider({ now }) }))
 */
export function defineProviderContract(name: string, createProvider: ProviderFactory, options: ProviderContractOptions = {}): void {
  describe(`provider contract: ${name}`, () => {
    let harness: ProviderHarness | null = null
    let clockMs = START_MS

    beforeEach(async () => {
      clockMs = START_MS
      harness = await createProvider({ now: () => clockMs })
    })

    afterEach(async () => {
      const current = harness
      harness = null
      await current?.provider.dispose?.()
      await current?.cleanup?.()
    })

    const scope: ContractScope = {
      get provider() {
        if (!harness) throw new Error('The provider is only available inside a test')
        return harness.provider
      },
      now: () => harness?.now?.() ?? clockMs,
      async advance(ms) {
        clockMs += ms
        await harness?.advanceTime?.(ms)
      },
      flush: async () => {
        await harness?.flush?.()
      },
    }

    defineRecordContract(scope)
    defineEventContract(scope)
    defineExpiryContract(scope)
    defineDeletionContract(scope)
    defineLimitContract(scope)
    defineThreadContract(scope)
    defineThreadTitleContract(scope)
    if (options.subscribe !== false) defineSubscribeContract(scope)
    if (options.leases !== false) defineLeaseContract(scope)
    if (options.controls !== false) defineControlContract(scope)
  })
}
