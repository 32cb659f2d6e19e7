import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Issuer } from '../../api-types.ts';
import { guarded } from '../../submit.ts';

/** Issuer profiles (OB 3.0 Profile), their DIDs and signing keys; rotate a key; add an issuer. */
export function IssuersScreen() {
  const { organisationId } = useOrganisation();
  const issuers = useApiQuery<{ items: Issuer[] }>(`/api/v1/organisations/${organisationId}/issuers`);
  return (
    <Screen title="Issuers and keys" intro="Each issuer profile signs with its own Ed25519 key. Rotating a key keeps the old one in the DID document, so credentials already issued still verify.">
      <QueryState query={issuers} onRetry={() => void issuers.refetch()}>
        {({ items }) => items.map((issuer) => <IssuerCard key={issuer.id} issuer={issuer} onChange={() => void issuers.refetch()} />)}
      </QueryState>
      <IssuerForm organisationId={organisationId} onSaved={() => void issuers.refetch()} />
    </Screen>
  );
}

function IssuerCard({ issuer, onChange }: { issuer: Issuer; onChange(): void }) {
  const { api } = useSession();
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState(false);
  const rotate = async () => {
    setError(undefined);
    try {
      await api.post(`/api/v1/issuers/${issuer.id}/keys/rotate`);
      setNotice('A new key is active. New credentials are signed with it; the old key stays for verification.');
      onChange();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const headingId = `issuer-${issuer.id}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {issuer.name} {issuer.isDefault ? <span className="badge">Default</span> : null}
      </h2>
      <dl className="facts">
        <dt>DID</dt>
        <dd>
          <code className="wrap">{issuer.did}</code>
        </dd>
        <dt>Country</dt>
        <dd>{issuer.country || '—'}</dd>
        <dt>Web site</dt>
        <dd>{issuer.url || '—'}</dd>
        <dt>E-mail</dt>
        <dd>{issuer.email || '—'}</dd>
        <dt>Public profile</dt>
        <dd>
          <a href={`/issuers/${issuer.id}`}>OB 3.0 profile</a>
          {issuer.didMethod === 'web' ? (
            <>
              {' · '}
              <a href={`/issuers/${issuer.id}/did.json`}>DID document</a>
            </>
          ) : null}
        </dd>
      </dl>
      <h3>Keys</h3>
      <ErrorSummary error={error} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Keys of {issuer.name}</caption>
          <thead>
            <tr>
              <th scope="col">Verification method</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {issuer.keys.map((k) => (
              <tr key={k.id}>
                <td>
                  <code className="wrap">{k.id}</code>
                </td>
                <td>{k.status === 'active' ? 'Active' : 'Retired'}</td>
                <td>{formatDate(k.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button type="button" onClick={() => void rotate()}>
          Rotate key<span className="visually-hidden"> of {issuer.name}</span>
        </button>
        <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
          Edit profile<span className="visually-hidden"> of {issuer.name}</span>
        </button>
      </div>
      {editing ? (
        <IssuerForm
          issuer={issuer}
          onSaved={() => {
            setEditing(false);
            onChange();
          }}
        />
      ) : null}
    </article>
  );
}

type IssuerFields = { name: string; url: string; email: string; country: string; description: string; didMethod: 'web' | 'key' };

/** Creates an issuer (no `issuer` given) or edits one. */
function IssuerForm({ issuer, organisationId, onSaved }: { issuer?: Issuer; organisationId?: string; onSaved(): void }) {
  const { api } = useSession();
  const initial: IssuerFields = {
    name: issuer?.name ?? '',
    url: issuer?.url ?? '',
    email: issuer?.email ?? '',
    country: issuer?.country ?? '',
    description: issuer?.description ?? '',
    didMethod: issuer?.didMethod ?? 'web',
  };
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<ApiError>();
  const prefix = issuer ? `edit-${issuer.id}` : 'new-issuer';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    // Editing sends null for an emptied field (to clear it); creating leaves it out.
    const empty = issuer ? null : undefined;
    const body = {
      name: form.name,
      url: form.url || empty,
      email: form.email || empty,
      country: form.country.toUpperCase() || empty,
      description: form.description || empty,
    };
    try {
      if (issuer) await api.patch(`/api/v1/issuers/${issuer.id}`, body);
      else await api.post(`/api/v1/organisations/${organisationId}/issuers`, { ...body, didMethod: form.didMethod });
      if (!issuer) setForm(initial);
      onSaved();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const text = (key: keyof IssuerFields, label: string, type = 'text', hint?: string) => (
    <Field id={`${prefix}-${key}`} label={label} hint={hint} required={key === 'name'} error={error?.fieldMessage(`/${key}`)}>
      {(p) => <input {...p} type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />}
    </Field>
  );
  return (
    <form onSubmit={guarded(submit)} noValidate className="form inline-form" aria-labelledby={`${prefix}-title`}>
      <h3 id={`${prefix}-title`}>{issuer ? `Edit ${issuer.name}` : 'Add an issuer profile'}</h3>
      <ErrorSummary error={error} />
      <div className="grid">
        {text('name', 'Name')}
        {text('url', 'Web site', 'url')}
        {text('email', 'E-mail', 'email')}
        {text('country', 'Country', 'text', 'ISO 3166-1 two-letter code, e.g. FR. An EU micro-credential names the issuer’s country.')}
      </div>
      <Field id={`${prefix}-description`} label="Description" error={error?.fieldMessage('/description')}>
        {(p) => <textarea {...p} rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />}
      </Field>
      {issuer ? null : (
        <Field id={`${prefix}-did`} label="Identifier" error={error?.fieldMessage('/didMethod')}>
          {(p) => (
            <select {...p} value={form.didMethod} onChange={(e) => setForm({ ...form, didMethod: e.target.value as 'web' | 'key' })}>
              <option value="web">did:web, served by this server</option>
              <option value="key">did:key</option>
            </select>
          )}
        </Field>
      )}
      <button type="submit" className={issuer ? 'primary' : undefined}>
        {issuer ? 'Save profile' : 'Add issuer'}
      </button>
    </form>
  );
}
