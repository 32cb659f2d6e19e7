import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { AchievementSelect } from '../../components/AchievementSelect.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { Link, useLocation } from 'react-router';
import { useApiQuery } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement, IssuedCredential } from '../../api-types.ts';
import { useSubmit } from '../../submit.ts';

const emptyForm = { recipient: '', name: '', result: '', evidenceUrl: '', evidenceNarrative: '', validFrom: '', validUntil: '' };

function toIso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** Issues one credential. Each attempt carries an Idempotency-Key, so a retried submission never issues twice. */
export function IssueScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const location = useLocation();
  const achievements = useApiQuery<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements`);
  const [achievementId, setAchievementId] = useState(() => new URLSearchParams(location.search).get('achievementId') ?? '');
  const [form, setForm] = useState(emptyForm);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<ApiError>();
  const [issued, setIssued] = useState<IssuedCredential>();
  const chosen = achievementId || achievements.data?.items[0]?.id || '';

  const issuing = useSubmit(async () => {
    setError(undefined);
    const recipient = form.recipient.trim();
    const body = {
      achievementId: chosen,
      recipient: { ...(recipient.startsWith('did:') ? { did: recipient } : { email: recipient }), name: form.name || undefined },
      result: form.result ? { grade: form.result } : undefined,
      evidence: form.evidenceUrl || form.evidenceNarrative ? [{ id: form.evidenceUrl || undefined, narrative: form.evidenceNarrative || undefined }] : undefined,
      validFrom: toIso(form.validFrom),
      validUntil: toIso(form.validUntil),
    };
    try {
      setIssued(await api.post<IssuedCredential>(`/api/v1/organisations/${organisationId}/credentials`, body, { headers: { 'idempotency-key': idempotencyKey } }));
      setForm(emptyForm);
      setIdempotencyKey(crypto.randomUUID());
    } catch (e) {
      setError(asApiError(e));
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void issuing.run();
  };
  const busy = issuing.pending;
  const set = (key: keyof typeof emptyForm) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const recipientError = error?.fieldMessage('/recipient');

  return (
    <Screen title="Issue a credential">
      {issued && !error ? (
        <Notice tone="success">
          Issued “{issued.achievementName ?? 'the credential'}” to {issued.recipient.email ?? issued.recipient.did}.{' '}
          <a href={issued.credentialId}>View the credential</a> · <Link to="/console/credentials">All credentials</Link>
        </Notice>
      ) : null}
      <ErrorSummary error={error ?? achievements.error} title="The credential was not issued" />
      {achievements.data && achievements.data.items.length === 0 ? (
        <Notice tone="warning">
          There is no micro-credential to issue yet. <Link to="/console/achievements/new">Define one first</Link>.
        </Notice>
      ) : null}
      <form onSubmit={submit} noValidate className="form" aria-label="Issue a credential">
        <AchievementSelect id="achievementId" achievements={achievements.data?.items} value={chosen} onChange={setAchievementId} error={error?.fieldMessage('/achievementId')} />
        <div className="grid">
          <Field id="recipient" label="Recipient e-mail or DID" required hint="The recipient receives a claim link by e-mail." error={recipientError}>
            {(p) => <input {...p} value={form.recipient} onChange={set('recipient')} autoComplete="off" />}
          </Field>
          <Field id="recipientName" label="Recipient name" error={error?.fieldMessage('/recipient/name')}>
            {(p) => <input {...p} value={form.name} onChange={set('name')} autoComplete="off" />}
          </Field>
          <Field id="result" label="Result or grade" hint="Optional, e.g. A or 85/100." error={error?.fieldMessage('/result')}>
            {(p) => <input {...p} value={form.result} onChange={set('result')} />}
          </Field>
          <Field id="validFrom" label="Valid from" hint="Empty for now." error={error?.fieldMessage('/validFrom')}>
            {(p) => <input {...p} type="datetime-local" value={form.validFrom} onChange={set('validFrom')} />}
          </Field>
          <Field id="validUntil" label="Valid until" hint="Empty for the definition’s validity period." error={error?.fieldMessage('/validUntil')}>
            {(p) => <input {...p} type="datetime-local" value={form.validUntil} onChange={set('validUntil')} />}
          </Field>
        </div>
        <fieldset className="group">
          <legend>Evidence (optional)</legend>
          <Field id="evidenceUrl" label="Evidence address" error={error?.fieldMessage('/evidence/0/id')}>
            {(p) => <input {...p} type="url" value={form.evidenceUrl} onChange={set('evidenceUrl')} />}
          </Field>
          <Field id="evidenceNarrative" label="Narrative" error={error?.fieldMessage('/evidence/0/narrative')}>
            {(p) => <textarea {...p} rows={2} value={form.evidenceNarrative} onChange={set('evidenceNarrative')} />}
          </Field>
        </fieldset>
        <button type="submit" className="primary" disabled={busy || !chosen}>
          {busy ? 'Issuing…' : 'Issue credential'}
        </button>
      </form>
    </Screen>
  );
}
