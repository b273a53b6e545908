/**
 * The type of a value as the job stores it, as JSON: what a node reads of the workflow's input
 * (run-workflow-job.ts reads the input as stored, so a first run and a resumed one read the same).
 * A value with `toJSON` reads as what it returns (a Date from `z.coerce.date()` as its ISO text);
 * arrays and objects are mapped field by field; anything else stays as it is.
 */
export type StoredJson<T> = 0 extends (1 & T) ? T // any stays any
  : T extends { toJSON(): infer Stored } ? StoredJson<Stored>
    : T extends readonly unknown[] ? { [Index in keyof T]: StoredJson<T[Index]> }
      : T extends object ? { [Key in keyof T]: StoredJson<T[Key]> }
        : T
