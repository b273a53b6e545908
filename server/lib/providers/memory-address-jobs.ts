/**
 * The memory provider's count of active jobs per anonymous client address (`create`'s
 * `maxActivePerAddress`): the ids under each address, and each id's address so that its end (or
 * deletion) takes it out of the count without the record carrying it.
 */
export function createAddressJobs() {
  const idsByAddress = new Map<string, Set<string>>()
  const addressOfJob = new Map<string, string>()

  return {
    /** Active jobs counted under `address`, less those of `freeing` among them (their slots are the new job's). */
    count(address: string, freeing: readonly string[] = []): number {
      const ids = idsByAddress.get(address)
      if (!ids) return 0
      return ids.size - [...new Set(freeing)].filter(id => ids.has(id)).length
    },
    add(jobId: string, address: string): void {
      const ids = idsByAddress.get(address) ?? new Set<string>()
      ids.add(jobId)
      idsByAddress.set(address, ids)
      addressOfJob.set(jobId, address)
    },
    /** The job ended or is gone: out of its address's count (nothing when it was counted under none). */
    remove(jobId: string): void {
      const address = addressOfJob.get(jobId)
      if (address === undefined) return
      addressOfJob.delete(jobId)
      const ids = idsByAddress.get(address)!
      ids.delete(jobId)
      if (ids.size === 0) idsByAddress.delete(address)
    },
    /** Addresses with a job counted (tests: nothing is left once every job ended). */
    get size(): number {
      return idsByAddress.size
    },
    clear(): void {
      idsByAddress.clear()
      addressOfJob.clear()
    },
  }
}
