import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { useConfirm } from '../../components/ConfirmDialog.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { useNavigate } from 'react-router';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { useSession } from '../../session.tsx';
import type { ConnectedApplication, UserEmail } from '../../api-types.ts';
import { useSubmit } from '../../submit.ts';

/** The learner's addresses, key (DID), export and account deletion. */
export function AccountScreen() {
  return (
    <Screen title="Account">
      <Emails />
      <Did />
      <Connections />
      <section aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p>
          A zip file with every credential as you received it, a summary, and a presentation of all of them signed with your key.
        </p>
        <a className="button" href="/api/v1/wallet/export" download>
          Download my wallet (zip)
        </a>
      </section>
      <DeleteAccount />
    </Screen>
  );
}

function isVerified(e: UserEmail): boolean {
  return e.verified ?? Boolean(e.verifiedAt);
}

function Emails() {
  const { api, me } = useSession();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<ApiError>();
  const [message, setMessage] = useState<string>();
  const emails = useApiQuery<{ items: UserEmail[] }>('/api/v1/me/emails');
  const invalidate = useInvalidateApi();
  const signsIn = (e: UserEmail) => e.primary ?? e.email === me?.user.email;
  const run = async (action: () => Promise<unknown>, done: string) => {
    setError(undefined);
    setMessage(undefined);
    try {
      await action();
      setMessage(done);
      await invalidate('/api/v1/me/emails');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post('/api/v1/me/emails', { email });
      setEmail('');
    }, `We sent a confirmation link to ${email}.`);
  };
  return (
    <section aria-labelledby="emails-title">
      <h2 id="emails-title">E-mail addresses</h2>
      <p className="muted">Credentials issued to any confirmed address are offered in your wallet.</p>
      <ErrorSummary error={error} title="The addresses were not changed" />
      {message ? <Notice tone="success">{message}</Notice> : null}
      <DataTable
        caption="Your e-mail addresses"
        testId="emails-table"
        rows={emails.data?.items}
        error={emails.error}
        onRetry={() => void emails.refetch()}
        rowKey={(e) => e.id}
        empty="No e-mail addresses."
        columns={[
          {
            header: 'Address',
            className: 'wrap',
            cell: (e) => (
              <>
                {e.email}
                {signsIn(e) ? <div className="muted">Used to sign in</div> : null}
              </>
            ),
          },
          { header: 'Status', cell: (e) => (isVerified(e) ? `Confirmed ${e.verifiedAt ? formatDate(e.verifiedAt) : ''}` : 'Not confirmed yet') },
          {
            header: 'Actions',
            className: 'actions',
            cell: (e) => (
              <>
                {!isVerified(e) ? (
                  <button type="button" className="small" onClick={() => void run(() => api.post(`/api/v1/me/emails/${encodeURIComponent(e.id)}/resend`, {}), `We sent a new link to ${e.email}.`)}>
                    Send the link again<span className="visually-hidden"> to {e.email}</span>
                  </button>
                ) : null}
                {!signsIn(e) ? (
                  <button type="button" className="small danger" onClick={() => void run(() => api.delete(`/api/v1/me/emails/${encodeURIComponent(e.id)}`), `${e.email} was removed.`)}>
                    Remove<span className="visually-hidden"> {e.email}</span>
                  </button>
                ) : null}
              </>
            ),
          },
        ]}
      />
      <form className="filters" onSubmit={add} aria-label="Add an e-mail address">
        <Field id="new-email" label="Add an address" error={error?.fieldMessage('/email')}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />}
        </Field>
        <button type="submit" disabled={!email.trim()}>
          Add address
        </button>
      </form>
    </section>
  );
}

/** Applications the learner allowed through the Open Badges 3.0 API, and a way to withdraw each. */
function Connections() {
  const { api } = useSession();
  const [error, setError] = useState<ApiError>();
  const [message, setMessage] = useState<string>();
  const connections = useApiQuery<{ items: ConnectedApplication[] }>('/api/v1/wallet/connections');
  const invalidate = useInvalidateApi();
  const disconnect = async (connection: ConnectedApplication) => {
    setError(undefined);
    setMessage(undefined);
    try {
      await api.delete(`/api/v1/wallet/connections/${encodeURIComponent(connection.id)}`);
      setMessage(`${connection.clientName} can no longer use your wallet.`);
      await invalidate('/api/v1/wallet/connections');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section aria-labelledby="connections-title">
      <h2 id="connections-title">Connected applications</h2>
      <p className="muted">Backpacks, portfolios and learning platforms you allowed to use your wallet (Open Badges 3.0 API).</p>
      <ErrorSummary error={error} title="The access was not withdrawn" />
      {message ? <Notice tone="success">{message}</Notice> : null}
      <DataTable
        caption="Applications that may use your wallet"
        testId="connections-table"
        rows={connections.data?.items}
        error={connections.error}
        onRetry={() => void connections.refetch()}
        rowKey={(c) => c.id}
        empty="No application may use your wallet."
        columns={[
          { header: 'Application', className: 'wrap', cell: (c) => (<>{c.clientName}{c.clientUri ? <div className="muted">{c.clientUri}</div> : null}</>) },
          { header: 'What it may do', className: 'wrap', cell: (c) => (<ul>{c.permissions.map((p) => <li key={p}>{p}</li>)}</ul>) },
          { header: 'Since', cell: (c) => (c.grantedAt ? formatDate(c.grantedAt) : '') },
          {
            header: 'Actions',
            className: 'actions',
            cell: (c) => (
              <button type="button" className="small danger" onClick={() => void disconnect(c)}>
                Withdraw access<span className="visually-hidden"> of {c.clientName}</span>
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}

function Did() {
  const { api } = useSession();
  const [round, setRound] = useState(0);
  const [error, setError] = useState<ApiError>();
  const did = useLoad(async (signal) => {
    try {
      return await api.get<{ did: string | null }>('/api/v1/me/did', { signal });
    } catch (e) {
      // No key yet answers 404 on some servers: the same as "none".
      if (asApiError(e).status === 404) return { did: null };
      throw e;
    }
  }, String(round));
  const create = async () => {
    setError(undefined);
    try {
      await api.post('/api/v1/me/did', {});
      setRound((r) => r + 1);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section aria-labelledby="did-title">
      <h2 id="did-title">Your key (DID)</h2>
      <p className="muted">
        A decentralised identifier lets issuers bind credentials to you instead of an e-mail address, and lets you sign presentations for verifiers. microcred keeps its key encrypted.
      </p>
      <ErrorSummary error={error ?? did.error} title="The key was not created" />
      {did.data?.did ? (
        <p>
          <code className="secret" data-testid="did">
            {did.data.did}
          </code>
        </p>
      ) : did.data ? (
        <button type="button" onClick={() => void create()}>
          Create my DID
        </button>
      ) : null}
    </section>
  );
}

function DeleteAccount() {
  const { api, setMe } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const { confirm, dialog } = useConfirm();
  const deleting = useSubmit(async () => {
    setError(undefined);
    const ok = await confirm({
      title: 'Delete your account for good?',
      body: 'Your addresses, key, wallet, collections and share links are removed, and cannot be brought back. Issuers keep their own record of what they issued to you.',
      confirmLabel: 'Delete everything',
    });
    if (!ok) return;
    try {
      await api.request('DELETE', '/api/v1/me', { body: { password } });
      setMe(undefined);
      navigate('/verify');
    } catch (e) {
      setError(asApiError(e));
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void deleting.run();
  };
  return (
    <section aria-labelledby="delete-title">
      <h2 id="delete-title">Delete my account</h2>
      <details>
        <summary>Delete the account and every credential in the wallet</summary>
        <p>
          Your addresses, key, wallet, collections and share links are removed for good. Issuers keep their own record of what they issued to you. Export your wallet first if you want a copy.
        </p>
        <ErrorSummary error={error} title="The account was not deleted" />
        <form className="form narrow" onSubmit={submit}>
          <Field id="delete-password" label="Your password, to confirm" error={error?.fieldMessage('/password')}>
            {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />}
          </Field>
          <button type="submit" className="danger" disabled={!password || deleting.pending}>
            Delete my account
          </button>
        </form>
        {dialog}
      </details>
    </section>
  );
}
