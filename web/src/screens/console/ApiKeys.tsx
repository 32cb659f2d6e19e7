import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import { API_KEY_SCOPES } from '../../types.ts';
import type { ApiKey, ApiKeyScope, CreatedApiKey } from '../../types.ts';

const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  issue: 'Issue credentials',
  status: 'Revoke, suspend and reinstate',
  read: 'Read credentials and definitions',
};

/** API keys for LMSs and scripts (Bearer tokens). A new key is shown once; only its hash is kept. */
export function ApiKeysScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}/api-keys`;
  const keys = useLoad((signal) => api.get<{ items: ApiKey[] }>(base, { signal }), organisationId);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [error, setError] = useState<ApiError>();
  const revoke = async (key: ApiKey) => {
    setError(undefined);
    try {
      await api.delete(`${base}/${key.id}`);
      keys.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Screen title="API keys">
      {created ? (
        <div className="notice notice-success" role="status" data-testid="new-api-key">
          <p>
            <strong>Copy the key “{created.name}” now.</strong> It is shown only once.
          </p>
          <p>
            <code className="secret">{created.key}</code>{' '}
            <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              Copy
            </button>
          </p>
        </div>
      ) : null}
      <ErrorSummary error={error ?? keys.error} />
      {keys.data?.items.length === 0 ? <Notice>No API keys yet.</Notice> : null}
      {keys.data?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>{formatDate(k.createdAt)}</td>
                  <td>{formatDate(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      'Revoked'
                    ) : (
                      <button type="button" className="small danger" onClick={() => void revoke(k)}>
                        Revoke<span className="visually-hidden"> key {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <CreateKey
        base={base}
        onCreated={(k) => {
          setCreated(k);
          keys.reload();
        }}
      />
    </Screen>
  );
}

function CreateKey({ base, onCreated }: { base: string; onCreated(key: CreatedApiKey): void }) {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['issue', 'status']);
  const [error, setError] = useState<ApiError>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      onCreated(await api.post<CreatedApiKey>(base, { name, scopes }));
      setName('');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form inline-form" aria-labelledby="new-key-title">
      <h2 id="new-key-title">Create a key</h2>
      <ErrorSummary error={error} />
      <Field id="key-name" label="Name" hint="Who uses it, e.g. “Moodle”." required error={error?.fieldMessage('/name')}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <FieldSet id="key-scopes" legend="Allowed to" error={error?.fieldMessage('/scopes')}>
        <div className="choices">
          {API_KEY_SCOPES.map((s) => (
            <label key={s} className="choice">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />
              {SCOPE_LABELS[s]}
            </label>
          ))}
        </div>
      </FieldSet>
      <button type="submit" className="primary">
        Create key
      </button>
    </form>
  );
}
