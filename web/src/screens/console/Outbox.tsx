import { Notice } from '../../components/Notice.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery } from '../../query.ts';
import { useOrganisation } from '../../session.tsx';
import type { OutboxMessage } from '../../api-types.ts';

function Messages({ items, label }: { items: OutboxMessage[]; label: string }) {
  return (
    <ul className="messages" aria-label={label}>
      {items.map((m) => (
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
  );
}

/**
 * The development outbox: e-mails kept in the database when no SMTP server is configured. The
 * organisation's own (claim links, notifications), and the instance's that belong to no organisation
 * (a learner's sign-up confirmation): without the second, a learner who signed up seemed to get no
 * e-mail at all.
 */
export function OutboxScreen() {
  const { organisationId } = useOrganisation();
  const outbox = useApiQuery<{ items: OutboxMessage[] }>(`/api/v1/organisations/${organisationId}/outbox`);
  const instance = useApiQuery<{ items: OutboxMessage[] }>('/api/v1/outbox');
  return (
    <Screen title="Outbox" intro="Without an SMTP server, e-mails are kept here instead of being sent.">
      <section aria-labelledby="outbox-org">
        <h2 id="outbox-org">To recipients of this organisation</h2>
        <QueryState query={outbox} onRetry={() => void outbox.refetch()}>
          {({ items }) => (items.length === 0 ? <Notice>No e-mails yet.</Notice> : <Messages items={items} label="E-mails of this organisation" />)}
        </QueryState>
      </section>
      {/* 404 when the instance delivers by SMTP: then there is nothing kept to show. */}
      {instance.error?.status === 404 ? null : (
        <section aria-labelledby="outbox-instance">
          <h2 id="outbox-instance">To learners signing up</h2>
          <p className="hint">Address confirmations and other e-mails that belong to no organisation.</p>
          <QueryState query={instance} onRetry={() => void instance.refetch()}>
            {({ items }) => (items.length === 0 ? <Notice>No e-mails yet.</Notice> : <Messages items={items} label="E-mails to learners signing up" />)}
          </QueryState>
        </section>
      )}
    </Screen>
  );
}
