import { Link } from 'react-router';
import type { Achievement, CredentialPage, Issuer, Member } from '../api-types.ts';
import { useApiQuery } from '../query.ts';

/**
 * The first-run checklist (issue 14 §3): issuer profile and logo → first micro-credential → issue one →
 * invite colleagues. Each step is ticked from what the organisation already has, links to where it is
 * done, and the list goes away once everything is done.
 */
export function FirstRunChecklist({ organisationId }: { organisationId: string }) {
  const base = `/api/v1/organisations/${organisationId}`;
  const issuers = useApiQuery<{ items: Issuer[] }>(`${base}/issuers`);
  const achievements = useApiQuery<{ items: Achievement[] }>(`${base}/achievements?includeArchived=true`);
  const credentials = useApiQuery<CredentialPage>(`${base}/credentials?limit=1`);
  const members = useApiQuery<{ items: Member[] }>(`${base}/members`);
  if (!issuers.data || !achievements.data || !credentials.data || !members.data) return null;
  const steps = [
    { done: issuers.data.items.some((issuer) => issuer.image), label: 'Complete your issuer profile and add its logo', to: '/console/issuers' },
    { done: achievements.data.items.length > 0, label: 'Define your first micro-credential', to: '/console/achievements/new' },
    { done: credentials.data.items.length > 0, label: 'Issue one to a learner', to: '/console/issue' },
    { done: members.data.items.length > 1, label: 'Invite your colleagues', to: '/console/organisation' },
  ];
  const left = steps.filter((step) => !step.done).length;
  if (left === 0) return null;
  return (
    <section className="checklist" aria-labelledby="first-run">
      <h2 id="first-run">Get started: {steps.length - left} of {steps.length} done</h2>
      <ol>
        {steps.map((step) => (
          <li key={step.to} className={step.done ? 'done' : undefined}>
            {step.done ? (
              <>
                <span aria-hidden="true">✓ </span>
                <s>{step.label}</s>
                <span className="visually-hidden"> (done)</span>
              </>
            ) : (
              <Link to={step.to}>{step.label}</Link>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
