/** A mistake in how the command was called or in its input files: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** 1 means "not verified" for verify, "some rows failed" for issue --csv, "could not keep running" for serve. */
export const EXIT = { ok: 0, notVerified: 1, failed: 1, usage: 2 } as const;
