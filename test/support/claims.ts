import type { Session } from './app.ts';

/** The claim-link tokens in the organisation's outbox for one address, oldest first (the test outbox is the mail). */
export async function claimTokens(owner: Session, organisationId: string, email: string): Promise<string[]> {
  const response = await owner.request('GET', `/api/v1/organisations/${organisationId}/outbox`);
  if (response.statusCode !== 200) throw new Error(`outbox ${response.statusCode}: ${response.body}`);
  const outbox = response.json() as { items: { to: string; text: string }[] };
  return outbox.items.filter((mail) => mail.to === email)
    .map((mail) => /\/claim\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1])
    .filter((token): token is string => token !== undefined);
}

/**
 * Issues one credential of the achievement to the address through the API and answers its id with
 * the token of the claim link mailed for it.
 */
export async function issueWithClaim(owner: Session, organisationId: string, achievementId: string, email: string, extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const before = new Set(await claimTokens(owner, organisationId, email));
  const response = await owner.request('POST', `/api/v1/organisations/${organisationId}/credentials`, { achievementId, recipient: { email }, ...extra });
  if (response.statusCode !== 201) throw new Error(`issue ${response.statusCode}: ${response.body}`);
  const { id } = response.json() as { id: string };
  const fresh = (await claimTokens(owner, organisationId, email)).filter((token) => !before.has(token));
  if (fresh.length !== 1) throw new Error(`expected one new claim mail to ${email}, found ${fresh.length}`);
  return { id, token: fresh[0]! };
}
