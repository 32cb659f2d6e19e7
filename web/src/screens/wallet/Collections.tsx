import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { Screen } from '../../components/Screen.tsx';
import { WalletStatusBadge } from '../../components/WalletStatusBadge.tsx';
import { useLoad } from '../../load.ts';
import { Link } from 'react-router';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { useSession } from '../../session.tsx';
import type { CollectionView as Collection, WalletItem, WalletPage } from '../../api-types.ts';
import { SharePanel } from './WalletCredential.tsx';
import { guarded } from '../../submit.ts';

/** Named, ordered collections of credentials, each shareable as one page. */
export function CollectionsScreen() {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<ApiError>();
  const collections = useApiQuery<{ items: Collection[] }>('/api/v1/wallet/collections');
  const invalidate = useInvalidateApi();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/wallet/collections', { name, description: description || undefined });
      setName('');
      setDescription('');
      await invalidate('/api/v1/wallet/collections');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Screen title="Collections" intro="Group credentials (a degree’s modules, a skill set) in the order you choose, and share them as one page.">
      <QueryState query={collections} onRetry={() => void collections.refetch()}>
        {({ items }) =>
          items.length === 0 ? (
            <Notice>No collections yet.</Notice>
          ) : (
            items.map((c) => <CollectionEditor key={c.id} collectionId={c.id} onDeleted={() => void invalidate('/api/v1/wallet/collections')} />)
          )
        }
      </QueryState>
      <section className="card" aria-labelledby="new-collection-title">
        <h2 id="new-collection-title">New collection</h2>
        <ErrorSummary error={error} title="The collection was not created" />
        <form className="form narrow" onSubmit={guarded(create)} aria-label="New collection">
          <Field id="collection-name" label="Name" required error={error?.fieldMessage('/name')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required />}
          </Field>
          <Field id="collection-description" label="Description (optional)" error={error?.fieldMessage('/description')}>
            {(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
          <button type="submit" className="primary">
            Create collection
          </button>
        </form>
      </section>
    </Screen>
  );
}

function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

function CollectionEditor({ collectionId, onDeleted }: { collectionId: string; onDeleted(): void }) {
  const { api } = useSession();
  const [round, setRound] = useState(0);
  const [error, setError] = useState<ApiError>();
  const [adding, setAdding] = useState('');
  const [saved, setSaved] = useState(false);
  const collection = useLoad((signal) => api.get<Collection>(`/api/v1/wallet/collections/${encodeURIComponent(collectionId)}`, { signal }), `${collectionId}:${round}`);
  const wallet = useApiQuery<WalletPage>('/api/v1/wallet/credentials?limit=200&sort=name');
  const c = collection.data;
  const byId = new Map<string, WalletItem>((wallet.data?.items ?? []).map((i) => [i.id, i]));
  for (const i of c?.items ?? []) byId.set(i.id, i);
  const ids = c?.items.map((i) => i.id) ?? [];

  const update = async (patch: { name?: string; description?: string; credentialIds?: string[] }) => {
    setError(undefined);
    setSaved(false);
    try {
      await api.patch(`/api/v1/wallet/collections/${encodeURIComponent(collectionId)}`, patch);
      setRound((r) => r + 1);
      setSaved(true);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const remove = async () => {
    try {
      await api.delete(`/api/v1/wallet/collections/${encodeURIComponent(collectionId)}`);
      onDeleted();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  if (!c) return <ErrorSummary error={collection.error} />;
  const candidates = (wallet.data?.items ?? []).filter((i) => !ids.includes(i.id));
  const titleId = `collection-${c.id}`;
  return (
    <section className="card" aria-labelledby={titleId} data-testid="collection">
      <h2 id={titleId}>{c.name}</h2>
      {c.description ? <p>{c.description}</p> : null}
      <ErrorSummary error={error} title="The collection was not changed" />
      {saved ? <Notice tone="success">Saved.</Notice> : null}
      {ids.length ? (
        <ol className="ordered" aria-label={`Credentials in ${c.name}`}>
          {ids.map((id, index) => {
            const item = byId.get(id);
            const label = item?.name ?? 'Credential';
            return (
              <li key={id}>
                <span className="item-name">
                  {index + 1}. <Link to={`/wallet/credentials/${id}`}>{label}</Link> {item ? <WalletStatusBadge status={item.status} /> : null}
                </span>
                <button type="button" className="small" disabled={index === 0} onClick={() => void update({ credentialIds: move(ids, index, index - 1) })}>
                  Up<span className="visually-hidden">: move {label} up</span>
                </button>
                <button type="button" className="small" disabled={index === ids.length - 1} onClick={() => void update({ credentialIds: move(ids, index, index + 1) })}>
                  Down<span className="visually-hidden">: move {label} down</span>
                </button>
                <button type="button" className="small" onClick={() => void update({ credentialIds: ids.filter((x) => x !== id) })}>
                  Remove<span className="visually-hidden"> {label} from {c.name}</span>
                </button>
              </li>
            );
          })}
        </ol>
      ) : (
        <p>No credentials in this collection yet.</p>
      )}
      {candidates.length ? (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) void update({ credentialIds: [...ids, adding] }).then(() => setAdding(''));
          }}
        >
          <Field id={`add-${c.id}`} label={`Add a credential to ${c.name}`}>
            {(p) => (
              <select {...p} value={adding} onChange={(e) => setAdding(e.target.value)}>
                <option value="">Choose…</option>
                {candidates.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                    {i.issuerName ? ` — ${i.issuerName}` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={!adding}>
            Add
          </button>
        </form>
      ) : null}
      <details>
        <summary>Rename or delete</summary>
        <RenameForm collection={c} onSave={(patch) => void update(patch)} />
        <p className="muted">Deleting it stops its share links; the credentials stay in your wallet.</p>
        <button type="button" className="danger" onClick={() => void remove()}>
          Delete collection<span className="visually-hidden"> {c.name}</span>
        </button>
      </details>
      <SharePanel targetType="collection" targetId={c.id} name={c.name} level={3} />
    </section>
  );
}

function RenameForm({ collection, onSave }: { collection: Collection; onSave(patch: { name: string; description: string }): void }) {
  const [name, setName] = useState(collection.name);
  const [description, setDescription] = useState(collection.description ?? '');
  return (
    <form
      className="form narrow"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ name, description });
      }}
    >
      <Field id={`rename-${collection.id}`} label="Name">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id={`redescribe-${collection.id}`} label="Description">
        {(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <button type="submit">Save</button>
    </form>
  );
}
