import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { OutboxMessage } from '../../types.ts';

/** The development outbox: e-mails kept in the database when no SMTP server is configured. */
export function OutboxScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const outbox = useLoad((signal) => api.get<{ items: OutboxMessage[] }>(`/api/v1/organisations/${organisationId}/outbox`, { signal }), organisationId);
  return (
    <Screen title="Outbox" intro="Without an SMTP server, e-mails to recipients (claim links) are kept here instead of being sent.">
      <ErrorSummary error={outbox.error} />
      {outbox.data?.items.length === 0 ? <Notice>No e-mails yet.</Notice> : null}
      <ul className="messages">
        {outbox.data?.items.map((m) => (
          <li key={m.id} className="card">
            <details>
              <summary>
                <span className="message-subject">{m.subject}</span> <span className="muted">to {m.to} · {formatDate(m.createdAt)}</span>
              </summary>
              <pre className="message-body">{m.text ?? ''}</pre>
            </details>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
