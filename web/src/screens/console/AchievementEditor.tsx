import { useState } from 'react';
import type { FormEvent } from 'react';
import { emptyForm, formFromAchievement, localProblems, toInput } from '../../achievement-form.ts';
import type { AchievementForm } from '../../achievement-form.ts';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { CredentialPreview } from '../../components/CredentialPreview.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { ImageUpload } from '../../components/ImageUpload.tsx';
import { DurationInput } from '../../components/DurationInput.tsx';
import { EuFields } from '../../components/EuFields.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { OutcomesEditor } from '../../components/OutcomesEditor.tsx';
import { Screen } from '../../components/Screen.tsx';
import { Versions } from '../../components/Versions.tsx';
import { useLoad } from '../../load.ts';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useApiQuery } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement, Issuer } from '../../api-types.ts';
import { useSubmit } from '../../submit.ts';

/** Creates a micro-credential definition, or saves a new version of one, beside a live preview. */
export function AchievementEditorScreen() {
  const params = useParams();
  const id = params.id;
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const issuers = useApiQuery<{ items: Issuer[] }>(`/api/v1/organisations/${organisationId}/issuers`);
  const existing = useLoad(
    (signal) => (id ? api.get<Achievement>(`/api/v1/achievements/${id}`, { signal }) : Promise.resolve(undefined)),
    id ?? 'new',
  );
  const navigate = useNavigate();
  const location = useLocation();
  const savedVersion = new URLSearchParams(location.search).get('saved') ?? undefined;
  // A new definition gets its own address; "?saved=N" carries the confirmation across the change.
  // An image upload saves a version too, so it goes the same way (the banner never names an older one).
  const onSaved = (a: Achievement) => {
    navigate(`/console/achievements/${a.id}?saved=${a.version}`, { replace: true });
    if (id) existing.reload();
  };
  const title = id ? `Edit ${existing.data?.name ?? 'micro-credential'}` : 'New micro-credential';
  if (existing.error) {
    return (
      <Screen title={title}>
        <ErrorSummary error={existing.error} />
      </Screen>
    );
  }
  if ((id && !existing.data) || !issuers.data) {
    return (
      <Screen title={title}>
        <ErrorSummary error={issuers.error} />
        <Notice>Loading…</Notice>
      </Screen>
    );
  }
  const defaultIssuer = issuers.data.items.find((i) => i.isDefault) ?? issuers.data.items[0];
  const initial = existing.data ? formFromAchievement(existing.data) : emptyForm(defaultIssuer?.id);
  return (
    <Screen title={title} intro={existing.data ? `Version ${existing.data.version}. Saving creates a new version; credentials already issued keep theirs.` : undefined}>
      <Editor initial={initial} issuers={issuers.data.items} achievement={existing.data} organisationId={organisationId} savedVersion={savedVersion} onSaved={onSaved} onImageUploaded={onSaved} />
    </Screen>
  );
}

interface EditorProps {
  initial: AchievementForm;
  issuers: Issuer[];
  achievement: Achievement | undefined;
  organisationId: string;
  savedVersion: string | undefined;
  onSaved(achievement: Achievement): void;
  onImageUploaded(achievement: Achievement): void;
}

function Editor(props: EditorProps) {
  const { issuers, achievement, organisationId, savedVersion, onSaved } = props;
  const { api } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState(props.initial);
  const [error, setError] = useState<ApiError>();
  const [dirty, setDirty] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const update = (patch: Partial<AchievementForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setDirty(true);
  };
  const local = localProblems(form);
  const errorFor = (pointer: string) => local[pointer] ?? error?.fieldMessage(pointer);

  // One click, one definition: a double click must not create the micro-credential twice.
  const saving = useSubmit(async () => {
    setError(undefined);
    try {
      const body = toInput(form);
      const result = achievement
        ? await api.put<Achievement>(`/api/v1/achievements/${achievement.id}`, body)
        : await api.post<Achievement>(`/api/v1/organisations/${organisationId}/achievements`, body);
      setDirty(false);
      onSaved(result);
    } catch (e) {
      setError(asApiError(e));
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(local).length) return;
    void saving.run();
  };
  const archive = async () => {
    if (!achievement) return;
    try {
      await api.post(`/api/v1/achievements/${achievement.id}/archive`);
      navigate('/console/achievements');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const localList = Object.entries(local);
  return (
    <div className="editor-layout">
      <form onSubmit={submit} noValidate className="form" aria-label="Micro-credential definition">
        <ErrorSummary error={error} title="The definition was not saved" />
        {submitted && localList.length ? (
          <div className="error-summary" role="alert">
            <h2>Please correct these fields</h2>
            <ul>
              {localList.map(([pointer, message]) => (
                <li key={pointer}>{message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {savedVersion && !dirty ? <Notice tone="success">Saved as version {savedVersion}.</Notice> : null}
        <fieldset className="group">
          <legend>Definition</legend>
          <Field id="name" label="Title" required error={errorFor('/name')}>
            {(p) => <input {...p} value={form.name} onChange={(e) => update({ name: e.target.value })} />}
          </Field>
          <Field id="description" label="Description" required error={errorFor('/description')}>
            {(p) => <textarea {...p} rows={3} value={form.description} onChange={(e) => update({ description: e.target.value })} />}
          </Field>
          <Field id="criteria" label="Criteria" hint="What a learner must do to earn it." required error={errorFor('/criteria')}>
            {(p) => <textarea {...p} rows={2} value={form.criteria} onChange={(e) => update({ criteria: e.target.value })} />}
          </Field>
          <div className="grid">
            <Field id="issuerId" label="Issuer" error={errorFor('/issuerId')}>
              {(p) => (
                <select {...p} value={form.issuerId} onChange={(e) => update({ issuerId: e.target.value })}>
                  {issuers.map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="achievementType" label="Type" error={errorFor('/achievementType')}>
              {(p) => (
                <select {...p} value={form.achievementType} onChange={(e) => update({ achievementType: e.target.value })}>
                  <option value="MicroCredential">Micro-credential (EU)</option>
                  <option value="Course">Course</option>
                  <option value="Badge">Badge</option>
                  <option value="Certificate">Certificate</option>
                </select>
              )}
            </Field>
            <Field id="validityPeriod" label="Valid for" hint="A number and a unit, e.g. 2 years; empty for no expiry." error={errorFor('/validityPeriod')}>
              {(p) => <DurationInput control={p} value={form.validityPeriod} onChange={(validityPeriod) => update({ validityPeriod })} />}
            </Field>
            <Field id="suspendable" label="Credentials can be suspended" hint="Adds a suspension status entry to credentials issued from now on. Off by default: the Open Badges 3.0 schema takes one status entry, and strict validators flag two." error={errorFor('/suspendable')}>
              {(p) => <input {...p} type="checkbox" checked={form.suspendable} onChange={(e) => update({ suspendable: e.target.checked })} />}
            </Field>
          </div>
        </fieldset>
        {achievement ? <Versions achievementId={achievement.id} current={achievement.version} /> : null}
        {achievement ? <ImageUpload achievementId={achievement.id} imageUrl={achievement.imageUrl} onUploaded={props.onImageUploaded} /> : null}
        <OutcomesEditor form={form} update={update} errorFor={errorFor} />
        <EuFields form={form} update={update} errorFor={errorFor} />
        <div className="button-row">
          <button type="submit" className="primary" disabled={saving.pending}>
            {achievement ? 'Save new version' : 'Create micro-credential'}
          </button>
          {achievement && !achievement.archivedAt ? (
            <button type="button" className="danger" onClick={() => void archive()}>
              Archive
            </button>
          ) : null}
        </div>
      </form>
      <CredentialPreview organisationId={organisationId} input={toInput(form)} showMissing={submitted} />
    </div>
  );
}
