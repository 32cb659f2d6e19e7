import { useEffect, useState } from 'react';
import { ASSESSMENT_TYPES, PARTICIPATION_FORMS, QUALITY_ASSURANCE_TYPES } from '../../../src/domain/eu-elements.ts';
import type { CodeEntry } from '../../../src/domain/eu-elements.ts';
import { asApiError } from '../api.ts';
import type { ApiError } from '../api.ts';
import { useSession } from '../session.tsx';
import type { AchievementInput } from '../api-types.ts';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A code's label in words ("blended" → "Blended (hybrid)"); unknown codes as they are. */
function labels(value: unknown, entries: readonly CodeEntry[]): string {
  return list(value)
    .map((v) => {
      const code = str(v);
      return entries.find((e) => e.code === code)?.label ?? code;
    })
    .filter(Boolean)
    .join(', ');
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * A live preview of the credential the definition produces (POST …/achievements/preview, unsigned),
 * refreshed shortly after the form stops changing. The server's validation shows here too.
 */
export function CredentialPreview({ organisationId, input }: { organisationId: string; input: AchievementInput }) {
  const { api } = useSession();
  const body = JSON.stringify(input);
  const [credential, setCredential] = useState<unknown>();
  const [error, setError] = useState<ApiError>();
  const [pending, setPending] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setPending(true);
    const timer = window.setTimeout(() => {
      api
        .post<{ credential: unknown }>(`/api/v1/organisations/${organisationId}/achievements/preview`, JSON.parse(body), { signal: controller.signal })
        .then(
          (r) => {
            setCredential(r.credential);
            setError(undefined);
            setPending(false);
          },
          (e: unknown) => {
            if (controller.signal.aborted) return;
            setError(asApiError(e));
            setPending(false);
          },
        );
    }, 400);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [api, organisationId, body]);

  return (
    <aside className="preview" aria-labelledby="preview-title" aria-busy={pending}>
      <h2 id="preview-title">Preview</h2>
      {error ? (
        <div className="preview-problems">
          <p>{error.detail}</p>
          {error.errors.length ? (
            <ul>
              {error.errors.map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {credential ? <PreviewCard credential={credential} /> : <p className="hint">{pending ? 'Updating…' : 'Fill in the form to see the credential.'}</p>}
      {credential ? (
        <details>
          <summary>Credential JSON</summary>
          <pre className="json" tabIndex={0} aria-label="Credential JSON">
            {JSON.stringify(credential, null, 2)}
          </pre>
        </details>
      ) : null}
    </aside>
  );
}

/** The credential as a learner would read it. */
function PreviewCard({ credential }: { credential: unknown }) {
  if (!isObj(credential)) return null;
  const subject = list(credential.credentialSubject)[0];
  const achievement = isObj(subject) && isObj(subject.achievement) ? subject.achievement : {};
  const issuer = isObj(credential.issuer) ? credential.issuer : { name: str(credential.issuer) };
  const address = isObj(issuer.address) ? issuer.address : {};
  const eqf = list(achievement.alignment).find((a) => isObj(a) && /qualifications framework/i.test(str(a.targetFramework) ?? ''));
  const skills = list(achievement.alignment).filter((a) => isObj(a) && a !== eqf);
  return (
    <div className="credential-card" data-testid="preview-card">
      <p className="issuer-line">
        {str(issuer.name) ?? 'Issuer'}
        {str(address.addressCountryCode) ? ` · ${str(address.addressCountryCode)}` : ''}
      </p>
      <p className="credential-title">{str(achievement.name) || 'Untitled'}</p>
      <dl className="facts">
        <dt>ECTS</dt>
        <dd>{str(achievement.creditsAvailable) ?? '—'}</dd>
        <dt>EQF level</dt>
        <dd>{isObj(eqf) ? (str(eqf.targetCode) ?? str(eqf.targetName)) : '—'}</dd>
        <dt>Assessment</dt>
        <dd>{labels(achievement.assessmentType, ASSESSMENT_TYPES) || '—'}</dd>
        <dt>Participation</dt>
        <dd>{labels(achievement.participationForm, PARTICIPATION_FORMS) || '—'}</dd>
        <dt>Quality assurance</dt>
        <dd>{labels(achievement.qualityAssurance, QUALITY_ASSURANCE_TYPES) || '—'}</dd>
      </dl>
      {list(achievement.learningOutcome).length ? (
        <>
          <p className="small-head">Learning outcomes</p>
          <ul>
            {list(achievement.learningOutcome).map((o, i) => (
              <li key={i}>{str(o)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {skills.length ? (
        <>
          <p className="small-head">Skills</p>
          <ul>
            {skills.map((s, i) => (
              <li key={i}>{isObj(s) ? str(s.targetName) : null}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
