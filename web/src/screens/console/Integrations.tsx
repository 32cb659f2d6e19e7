import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import {
  createLtiPlatform, createWebhook, createXapiRule, deleteLtiPlatform, deleteWebhook, deleteXapiRule, deliveriesPath, ltiCoursesPath, ltiPlatformsPath, ltiToolPath, replayDelivery,
  webhooksPath, xapiRulesPath, xapiStatementsPath,
} from '../../api/integrations.ts';
import { WEBHOOK_EVENTS } from '../../api-lists.ts';
import type { Achievement, CreatedWebhook, Items, LtiCourse, LtiPlatform, LtiToolConfiguration, Webhook, WebhookDelivery, WebhookEventName, XapiRule, XapiStatementSummary } from '../../api-types.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import { guarded } from '../../submit.ts';

/**
 * Webhooks (signed per Standard Webhooks; deliveries with their attempts, replayable) and the xAPI
 * rules that turn statements from a learning record store into credentials; LMS platforms registered
 * for LTI 1.3 launches, with the tool URLs to paste into them and the courses their instructors mapped.
 */
export function IntegrationsScreen() {
  return (
    <Screen title="Webhooks and xAPI">
      <Webhooks />
      <XapiRules />
      <LtiPlatforms />
    </Screen>
  );
}

function Webhooks() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const base = webhooksPath(organisationId);
  const hooks = useApiQuery<Items<Webhook>>(base);
  const invalidate = useInvalidateApi();
  const [created, setCreated] = useState<CreatedWebhook>();
  const [open, setOpen] = useState<string>();
  const remove = useMutation<unknown, ApiError, Webhook>({
    mutationFn: (hook) => deleteWebhook(api, organisationId, hook.id).catch((e: unknown) => Promise.reject(asApiError(e))),
    onSuccess: () => invalidate(base),
  });
  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="hint">
        Each delivery is a POST of JSON signed with the webhook’s secret (headers <code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
        <code>webhook-signature</code>). Failed deliveries are retried with growing pauses for a day.
      </p>
      {created ? (
        <div className="notice notice-success" role="status" data-testid="new-webhook-secret">
          <p>
            <strong>Copy the signing secret now.</strong> It is shown only once.
          </p>
          <p>
            <code className="secret">{created.secret}</code>
          </p>
        </div>
      ) : null}
      <ErrorSummary error={remove.error ?? undefined} title="The webhook was not deleted" />
      <DataTable
        caption="Webhooks"
        rows={hooks.data?.items}
        error={hooks.error}
        onRetry={() => void hooks.refetch()}
        rowKey={(h) => h.id}
        empty="No webhooks yet."
        columns={[
          { header: 'URL', cell: (h) => <code>{h.url}</code> },
          { header: 'Events', cell: (h) => h.events.join(', ') },
          { header: 'Description', cell: (h) => h.description ?? '' },
          { header: 'Created', cell: (h) => formatDate(h.createdAt) },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (h) => (
              <>
                <button type="button" className="small" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? undefined : h.id)}>
                  Deliveries<span className="visually-hidden"> of {h.url}</span>
                </button>{' '}
                <button type="button" className="small danger" onClick={() => remove.mutate(h)}>
                  Delete<span className="visually-hidden"> webhook {h.url}</span>
                </button>
              </>
            ),
          },
        ]}
      />
      {open ? <Deliveries webhookId={open} /> : null}
      <CreateWebhook
        onCreated={(hook) => {
          setCreated(hook);
          void invalidate(base);
        }}
      />
    </section>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const path = deliveriesPath(organisationId, webhookId);
  const deliveries = useApiQuery<Items<WebhookDelivery>>(path);
  const invalidate = useInvalidateApi();
  const replay = useMutation<unknown, ApiError, WebhookDelivery>({
    mutationFn: (delivery) => replayDelivery(api, organisationId, delivery.id).catch((e: unknown) => Promise.reject(asApiError(e))),
    onSuccess: () => invalidate(path),
  });
  return (
    <div data-testid="webhook-deliveries">
      <ErrorSummary error={replay.error ?? undefined} title="The delivery was not replayed" />
      <DataTable
        caption="Deliveries, newest first"
        rows={deliveries.data?.items}
        error={deliveries.error}
        onRetry={() => void deliveries.refetch()}
        rowKey={(d) => d.id}
        empty="Nothing delivered yet."
        columns={[
          { header: 'Event', cell: (d) => d.eventType },
          { header: 'Status', cell: (d) => d.status },
          { header: 'Attempts', cell: (d) => String(d.attempts) },
          { header: 'Last answer', cell: (d) => (d.lastStatusCode !== null ? String(d.lastStatusCode) : d.lastError ?? '') },
          { header: 'Next retry', cell: (d) => formatDate(d.nextAttemptAt) },
          { header: 'Created', cell: (d) => formatDate(d.createdAt) },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (d) => (
              <button type="button" className="small" onClick={() => replay.mutate(d)}>
                Replay<span className="visually-hidden"> delivery {d.id}</span>
              </button>
            ),
          },
        ]}
      />
    </div>
  );
}

function CreateWebhook({ onCreated }: { onCreated(hook: CreatedWebhook): void }) {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventName[]>(['credential.issued']);
  const [error, setError] = useState<ApiError>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      onCreated(await createWebhook(api, organisationId, { url, events, ...(description ? { description } : {}) }));
      setUrl('');
      setDescription('');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <form onSubmit={guarded(submit)} noValidate className="form" aria-labelledby="new-webhook-title">
      <h3 id="new-webhook-title">Add a webhook</h3>
      <ErrorSummary error={error} />
      <Field id="webhook-url" label="URL" hint="An https address on the internet; private and local addresses are refused." required error={error?.fieldMessage('/url')}>
        {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <Field id="webhook-description" label="Description" error={error?.fieldMessage('/description')}>
        {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <FieldSet id="webhook-events" legend="Events" error={error?.fieldMessage('/events')}>
        <div className="choices">
          {WEBHOOK_EVENTS.map((name) => (
            <label key={name} className="choice">
              <input type="checkbox" checked={events.includes(name)} onChange={(e) => setEvents(e.target.checked ? [...events, name] : events.filter((x) => x !== name))} />
              <code>{name}</code>
            </label>
          ))}
        </div>
      </FieldSet>
      <button type="submit" className="primary">
        Add webhook
      </button>
    </form>
  );
}

function XapiRules() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const base = xapiRulesPath(organisationId);
  const rules = useApiQuery<Items<XapiRule>>(base);
  const statements = useApiQuery<Items<XapiStatementSummary>>(xapiStatementsPath(organisationId));
  const achievements = useApiQuery<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements`);
  const invalidate = useInvalidateApi();
  const names = new Map((achievements.data?.items ?? []).map((a) => [a.id, a.name]));
  const remove = useMutation<unknown, ApiError, XapiRule>({
    mutationFn: (rule) => deleteXapiRule(api, organisationId, rule.id).catch((e: unknown) => Promise.reject(asApiError(e))),
    onSuccess: () => invalidate(base),
  });
  const [achievementId, setAchievementId] = useState('');
  const [verbId, setVerbId] = useState('http://adlnet.gov/expapi/verbs/completed');
  const [activityId, setActivityId] = useState('');
  const [minScaled, setMinScaled] = useState('');
  const [error, setError] = useState<ApiError>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await createXapiRule(api, organisationId, { achievementId, verbId, activityId, ...(minScaled.trim() !== '' ? { minScaled: Number(minScaled) } : {}) });
      setActivityId('');
      setMinScaled('');
      void invalidate(base);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section aria-labelledby="xapi-title">
      <h2 id="xapi-title">xAPI rules</h2>
      <p className="hint">
        Point a learning record store’s forwarder at <code>/xapi/statements</code> with an API key of scope “issue” as the Basic password. A statement with
        the rule’s verb and activity (and at least its scaled score) earns the micro-credential, once per learner.
      </p>
      <ErrorSummary error={remove.error ?? undefined} title="The rule was not deleted" />
      <DataTable
        caption="Rules"
        rows={rules.data?.items}
        error={rules.error}
        onRetry={() => void rules.refetch()}
        rowKey={(r) => r.id}
        empty="No rules yet."
        columns={[
          { header: 'Micro-credential', cell: (r) => names.get(r.achievementId) ?? r.achievementId },
          { header: 'Verb', cell: (r) => <code>{r.verbId}</code> },
          { header: 'Activity', cell: (r) => <code>{r.activityId}</code> },
          { header: 'Lowest scaled score', cell: (r) => (r.minScaled === null ? 'any' : String(r.minScaled)) },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (r) => (
              <button type="button" className="small danger" onClick={() => remove.mutate(r)}>
                Delete<span className="visually-hidden"> rule for {r.activityId}</span>
              </button>
            ),
          },
        ]}
      />
      <form onSubmit={guarded(submit)} noValidate className="form" aria-labelledby="new-rule-title">
        <h3 id="new-rule-title">Add a rule</h3>
        <ErrorSummary error={error} />
        <Field id="rule-achievement" label="Micro-credential" required error={error?.fieldMessage('/achievementId')}>
          {(p) => (
            <select {...p} value={achievementId} onChange={(e) => setAchievementId(e.target.value)}>
              <option value="">Choose…</option>
              {(achievements.data?.items ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="rule-verb" label="Verb IRI" required error={error?.fieldMessage('/verbId')}>
          {(p) => <input {...p} value={verbId} onChange={(e) => setVerbId(e.target.value)} />}
        </Field>
        <Field id="rule-activity" label="Activity IRI" hint="The statement’s object id, e.g. the course’s URL in the LMS." required error={error?.fieldMessage('/activityId')}>
          {(p) => <input {...p} value={activityId} onChange={(e) => setActivityId(e.target.value)} />}
        </Field>
        <Field id="rule-min" label="Lowest scaled score" hint="From -1 to 1 (e.g. 0.8); empty for any." error={error?.fieldMessage('/minScaled')}>
          {(p) => <input {...p} inputMode="decimal" value={minScaled} onChange={(e) => setMinScaled(e.target.value)} />}
        </Field>
        <button type="submit" className="primary">
          Add rule
        </button>
      </form>
      <DataTable
        caption="Statements received lately"
        rows={statements.data?.items}
        error={statements.error}
        onRetry={() => void statements.refetch()}
        rowKey={(s) => s.id}
        empty="No statements received."
        columns={[
          { header: 'Received', cell: (s) => formatDate(s.receivedAt) },
          { header: 'Verb', cell: (s) => <code>{s.verbId}</code> },
          { header: 'Activity', cell: (s) => <code>{s.activityId ?? ''}</code> },
          { header: 'Earned', cell: (s) => (s.matchedRuleId ? 'yes' : `no (kept until ${formatDate(s.purgeAfter)})`) },
        ]}
      />
    </section>
  );
}

function LtiPlatforms() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const base = ltiPlatformsPath(organisationId);
  const tool = useApiQuery<LtiToolConfiguration>(ltiToolPath);
  const platforms = useApiQuery<Items<LtiPlatform>>(base);
  const courses = useApiQuery<Items<LtiCourse>>(ltiCoursesPath(organisationId));
  const achievements = useApiQuery<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements`);
  const names = new Map((achievements.data?.items ?? []).map((a) => [a.id, a.name]));
  const invalidate = useInvalidateApi();
  const remove = useMutation<unknown, ApiError, LtiPlatform>({
    mutationFn: (platform) => deleteLtiPlatform(api, organisationId, platform.id).catch((e: unknown) => Promise.reject(asApiError(e))),
    onSuccess: () => invalidate(base),
  });
  const empty = { name: '', issuer: '', clientId: '', deploymentIds: '', jwksUrl: '', authLoginUrl: '', tokenUrl: '', tokenAudience: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<ApiError>();
  const set = (field: keyof typeof empty) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await createLtiPlatform(api, organisationId, { ...form, deploymentIds: form.deploymentIds.split(/[\s,]+/).filter(Boolean), tokenAudience: form.tokenAudience.trim() || null });
      setForm(empty);
      void invalidate(base);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const urls = tool.data;
  return (
    <section aria-labelledby="lti-title">
      <h2 id="lti-title">LMS (LTI 1.3)</h2>
      <p className="hint">
        Register microcred in the LMS as an LTI 1.3 tool with these URLs, then enter what the LMS gives back below. Instructors then add “earn this
        micro-credential” to a course, map it to a grade item and a threshold, and learners who reach it receive the credential by e-mail, once each.
      </p>
      {urls ? (
        <dl className="tool-urls" data-testid="lti-tool-urls">
          <dt>Login initiation URL</dt>
          <dd><code>{urls.loginUrl}</code></dd>
          <dt>Redirect / launch URL</dt>
          <dd><code>{urls.launchUrl}</code></dd>
          <dt>Deep linking URL</dt>
          <dd><code>{urls.deepLinkingUrl}</code></dd>
          <dt>Public keyset (JWKS) URL</dt>
          <dd><code>{urls.jwksUrl}</code></dd>
          <dt>Services to enable</dt>
          <dd>Assignment and Grade Services (read grades), Names and Role Provisioning Services (roster with e-mail addresses)</dd>
        </dl>
      ) : null}
      <ErrorSummary error={remove.error ?? undefined} title="The platform was not removed" />
      <DataTable
        caption="Registered platforms"
        rows={platforms.data?.items}
        error={platforms.error}
        onRetry={() => void platforms.refetch()}
        rowKey={(p) => p.id}
        empty="No LMS registered yet."
        columns={[
          { header: 'Name', cell: (p) => p.name },
          { header: 'Issuer', cell: (p) => <code>{p.issuer}</code> },
          { header: 'Client id', cell: (p) => <code>{p.clientId}</code> },
          { header: 'Deployments', cell: (p) => p.deploymentIds.join(', ') },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (p) => (
              <button type="button" className="small danger" onClick={() => remove.mutate(p)}>
                Remove<span className="visually-hidden"> platform {p.name}</span>
              </button>
            ),
          },
        ]}
      />
      <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-labelledby="new-lti-title">
        <h3 id="new-lti-title">Register an LMS</h3>
        <ErrorSummary error={error} />
        <Field id="lti-name" label="Name" hint="For this console, e.g. “Moodle (main campus)”." required error={error?.fieldMessage('/name')}>
          {(p) => <input {...p} value={form.name} onChange={set('name')} />}
        </Field>
        <Field id="lti-issuer" label="Platform ID (issuer)" hint="e.g. https://moodle.example.edu or https://canvas.instructure.com" required error={error?.fieldMessage('/issuer')}>
          {(p) => <input {...p} type="url" value={form.issuer} onChange={set('issuer')} />}
        </Field>
        <Field id="lti-client" label="Client ID" required error={error?.fieldMessage('/clientId')}>
          {(p) => <input {...p} value={form.clientId} onChange={set('clientId')} />}
        </Field>
        <Field id="lti-deployments" label="Deployment IDs" hint="One or more, separated by commas." required error={error?.fieldMessage('/deploymentIds')}>
          {(p) => <input {...p} value={form.deploymentIds} onChange={set('deploymentIds')} />}
        </Field>
        <Field id="lti-jwks" label="Public keyset URL" required error={error?.fieldMessage('/jwksUrl')}>
          {(p) => <input {...p} type="url" value={form.jwksUrl} onChange={set('jwksUrl')} />}
        </Field>
        <Field id="lti-auth" label="Authentication request URL" required error={error?.fieldMessage('/authLoginUrl')}>
          {(p) => <input {...p} type="url" value={form.authLoginUrl} onChange={set('authLoginUrl')} />}
        </Field>
        <Field id="lti-token" label="Access token URL" required error={error?.fieldMessage('/tokenUrl')}>
          {(p) => <input {...p} type="url" value={form.tokenUrl} onChange={set('tokenUrl')} />}
        </Field>
        <Field id="lti-audience" label="OAuth2 audience" hint="Only if the LMS names one (Brightspace: “Brightspace OAuth 2 Audience”); otherwise leave empty." error={error?.fieldMessage('/tokenAudience')}>
          {(p) => <input {...p} value={form.tokenAudience} onChange={set('tokenAudience')} />}
        </Field>
        <button type="submit" className="primary">
          Register LMS
        </button>
      </form>
      <DataTable
        caption="Courses mapped by their instructors"
        rows={courses.data?.items}
        error={courses.error}
        onRetry={() => void courses.refetch()}
        rowKey={(c) => c.id}
        empty="No course mapped yet."
        columns={[
          { header: 'Course', cell: (c) => c.contextTitle ?? c.contextId },
          { header: 'Micro-credential', cell: (c) => names.get(c.achievementId) ?? c.achievementId },
          { header: 'Rule', cell: (c) => `${c.lineItemLabel ?? 'grade'} ≥ ${Math.round(c.minScore * 1000) / 10}%` },
          { header: 'Awarded', cell: (c) => String(c.awards) },
          { header: 'Last check', cell: (c) => (c.lastError ? `failed: ${c.lastError}` : formatDate(c.lastRunAt)) },
        ]}
      />
    </section>
  );
}
