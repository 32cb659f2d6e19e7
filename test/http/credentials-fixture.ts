/** Shared by the issuance tests: an organisation ready to issue, and what "verified" means for now. */
import { expect } from 'vitest';
import { SYSTEM } from '../../src/services/access.ts';
import type { AchievementInput } from '../../src/services/achievements/definition.ts';
import type { VerificationResult } from '../../src/vc/types.ts';
import { setUpOrganisation, type TestApp } from '../support/app.ts';

export const MICRO_CREDENTIAL: Omit<AchievementInput, 'issuerId'> = {
  name: 'Data Literacy Essentials',
  description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
  criteria: 'Pass the final project and the online exam.',
  achievementType: 'MicroCredential',
  eu: {
    creditsAvailable: 5,
    eqfLevel: 5,
    learningOutcome: ['Clean a tabular data set', 'Choose and draw a suitable chart'],
    assessmentType: ['project', 'online-exam'],
    participationForm: 'online',
    qualityAssurance: ['internal'],
  },
  validityPeriod: 'P2Y',
};

/**
 * The first organisation, its issuer given a country (an EU element), and a micro-credential that expires
 * after two years; `suspendable` enables suspension on it (its credentials then carry two status entries).
 */
export async function issuingOrganisation(testApp: TestApp, options: { suspendable?: boolean } = {}) {
  const org = await setUpOrganisation(testApp.app);
  const patched = await org.owner.request('PATCH', `/api/v1/issuers/${org.issuerId}`, { country: 'FR' });
  if (patched.statusCode !== 200) throw new Error(`issuer patch ${patched.statusCode}: ${patched.body}`);
  const { achievements } = testApp.runtime.services;
  const achievement = await achievements.create(SYSTEM, org.organisationId, { issuerId: org.issuerId, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu }, ...(options.suspendable ? { suspendable: true } : {}) });
  return { ...org, achievementId: achievement.id };
}

/** Every check passes: structure, proof, issuer key, status, validity. */
export function expectVerified(result: VerificationResult): void {
  expect(result.checks.filter((check) => check.outcome === 'failed'), JSON.stringify(result.checks)).toEqual([]);
  expect(result.verified).toBe(true);
  for (const name of ['structure', 'proof', 'issuer-key', 'status', 'validity']) {
    expect(result.checks.find((check) => check.check === name)?.outcome, name).toBe('passed');
  }
}

