import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import { API_KEY_SCOPES } from '../../api-lists.ts';
import type { ApiKey, ApiKeyScope, CreatedApiKey } from '../../api-types.ts';
import { guarded } from '../../submit.ts';

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
  const keys = useApiQuery<{ items: ApiKey[] }>(base);
  const invalidate = useInvalidateApi();
  const [created, setCreated] = useState<CreatedApiKey>();
  const revoke = useMutation<unknown, ApiError, ApiKey>({
    mutationFn: (key) => api.delete(`${base}/${key.id}`).catch((e: unknown) => Promise.reject(asApiError(e))),
    onSuccess: () => invalidate(base),
  });
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
      <ErrorSummary error={revoke.error ?? undefined} title="The key was not revoked" />
      <DataTable
        caption="API keys"
        rows={keys.data?.items}
        error={keys.error}
        onRetry={() => void keys.refetch()}
        rowKey={(k) => k.id}
        empty="No API keys yet."
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Starts with', cell: (k) => <code>{k.prefix}…</code> },
          { header: 'Scopes', cell: (k) => k.scopes.join(', ') },
          { header: 'Created', cell: (k) => formatDate(k.createdAt) },
          { header: 'Last used', cell: (k) => formatDate(k.lastUsedAt) },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (k) =>
              k.revokedAt ? (
                'Revoked'
              ) : (
                <button type="button" className="small danger" onClick={() => revoke.mutate(k)}>
                  Revoke<span className="visually-hidden"> key {k.name}</span>
                </button>
              ),
          },
        ]}
      />
      <CreateKey
        base={base}
        onCreated={(k) => {
          setCreated(k);
          void invalidate(base);
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
    <form onSubmit={guarded(submit)} noValidate className="form inline-form" aria-labelledby="new-key-title">
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
