import { createEngine } from '../../vc/engine.ts';
import { createAchievementIssuer } from '../../vc/issue.ts';
import { signerFromMultikey } from '../../vc/keys/ed25519.ts';
import type { SignRequest, SignResponse, WorkerSetup } from './protocol.ts';

/** Signs requests for one setup; the same code runs in each worker thread and in-process. */
export function createRowSigner(setup: WorkerSetup): (request: SignRequest) => Promise<SignResponse> {
  const engine = createEngine();
  const issuer = createAchievementIssuer({
    engine,
    signer: signerFromMultikey(setup.key),
    achievement: setup.achievement,
    issuer: setup.issuer,
    format: setup.format,
    version: setup.version,
    ...(setup.validUntil ? { validUntil: new Date(setup.validUntil) } : {}),
    ...(setup.statusList ? { statusList: setup.statusList } : {}),
  });
  const now = new Date(setup.now);
  return async (request) => {
    try {
      const signed = await issuer.issue(request.row, {
        id: request.id,
        now,
        ...(request.statusListIndex !== undefined ? { statusListIndex: request.statusListIndex } : {}),
      });
      return { seq: request.seq, ok: true, line: typeof signed === 'string' ? signed : JSON.stringify(signed) };
    } catch (error) {
      return { seq: request.seq, ok: false, error: (error as Error).message };
    }
  };
}
