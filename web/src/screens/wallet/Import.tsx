import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { DropZone } from '../../components/DropZone.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { Link } from 'react-router';
import { useSession } from '../../session.tsx';
import type { ImportResult } from '../../api-types.ts';
import { multipart } from '../../multipart.ts';
import { WalletCard } from './Wallet.tsx';

export const CREDENTIAL_FILES = '.json,.jsonld,.jwt,.txt,.png,.svg,application/json,application/ld+json,image/png,image/svg+xml,text/plain';
const MAX_BYTES = 2 * 1024 * 1024;

/** Adds a credential from anywhere: a file (dropped or chosen), pasted text, or an address. */
export function ImportScreen() {
  const { api } = useSession();
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<ImportResult>();
  const [busy, setBusy] = useState(false);

  const send = async (run: () => Promise<ImportResult>) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await run());
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const upload = (file: File) => {
    if (file.size > MAX_BYTES) {
      setResult(undefined);
      setError(asApiError(new Error(`The file is ${Math.ceil(file.size / 1024)} kB; the limit is 2 MB.`)));
      return;
    }
    void send(() => api.request<ImportResult>('POST', '/api/v1/wallet/credentials', { raw: multipart({ file }) }));
  };
  const paste = (event: FormEvent) => {
    event.preventDefault();
    void send(() => api.post<ImportResult>('/api/v1/wallet/credentials', { text }));
  };
  const fromUrl = (event: FormEvent) => {
    event.preventDefault();
    void send(() => api.post<ImportResult>('/api/v1/wallet/credentials', { url }));
  };

  return (
    <Screen
      title="Add a credential"
      intro="Open Badges 3.0 or 2.0, Verifiable Credentials (JSON or JWT), CLR 2.0, and badge images with a credential baked in (PNG or SVG). Each one is verified when it is added; the original is kept as it is."
    >
      <ErrorSummary error={error} title="The credential was not added" />
      {busy ? <Notice>Verifying…</Notice> : null}
      {result ? (
        <div data-testid="import-result">
          <Notice tone={result.duplicate ? 'warning' : 'success'}>
            {result.duplicate ? 'This credential is already in your wallet; nothing was added.' : 'Added to your wallet.'}{' '}
            <Link to={`/wallet/credentials/${result.item.id}`}>Open it</Link>
          </Notice>
          <ul className="cards" aria-label="Added credential">
            <WalletCard item={result.item} />
          </ul>
        </div>
      ) : null}

      <h2>From a file</h2>
      <DropZone label="Credential file" hint="Drop a file here or choose one: JSON, JWT, PNG or SVG, at most 2 MB." accept={CREDENTIAL_FILES} onFile={upload} testId="import-drop" />

      <h2>Paste</h2>
      <form className="form" onSubmit={paste}>
        <Field id="import-text" label="Credential text" hint="JSON, or a JWT (three parts separated by dots)." error={error?.fieldMessage('/text')}>
          {(p) => <textarea {...p} rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />}
        </Field>
        <button type="submit" disabled={busy || !text.trim()}>
          Add pasted credential
        </button>
      </form>

      <h2>From an address</h2>
      <form className="form" onSubmit={fromUrl}>
        <Field id="import-url" label="Address (URL)" hint="A credential, a hosted Open Badges 2.0 assertion, or a microcred share link." error={error?.fieldMessage('/url')}>
          {(p) => <input {...p} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" />}
        </Field>
        <button type="submit" disabled={busy || !url.trim()}>
          Add from address
        </button>
      </form>
    </Screen>
  );
}
