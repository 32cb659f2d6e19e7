import { useEffect, useState } from 'react';
import { ASSESSMENT_TYPES, PARTICIPATION_FORMS, QUALITY_ASSURANCE_TYPES } from '../../../src/domain/eu-elements.ts';
import type { CodeEntry } from '../../../src/domain/eu-elements.ts';
import { asApiError } from '../api.ts';
import type { ApiError } from '../api.ts';
import { detailSentence, fieldLabel, fieldSentence } from '../field-errors.ts';
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
/** A field the person has not filled in yet: not a mistake until they try to save. */
function isMissing(message: string): boolean {
  const text = message.trim();
  // Ajv's fragments ("is required") and the domain's sentences ("The title (name) is required.",
  // "The learning outcomes are missing; …").
  return /^(is required|must not be empty|must list at least one)/.test(text) || /\b(is|are) (required|missing)\b/.test(text);
}

export function CredentialPreview({ organisationId, input, showMissing = false }: { organisationId: string; input: AchievementInput; showMissing?: boolean }) {
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

  // Before the first save, empty fields are listed as what is left to fill in, in plain text; only
  // real mistakes (a bad number, an address that is not one) are shown as problems.
  const problems = error ? error.errors.filter((e) => showMissing || !isMissing(e.message)) : [];
  const missing = error && !showMissing ? error.errors.filter((e) => isMissing(e.message)).map((e) => fieldLabel(e.pointer)).filter((l): l is string => Boolean(l)) : [];
  return (
    <aside className="preview" aria-labelledby="preview-title" aria-busy={pending}>
      <h2 id="preview-title">Preview</h2>
      {error && (problems.length || !error.errors.length) ? (
        <div className="preview-problems" data-testid="preview-problems">
          {error.errors.length ? (
            <ul>
              {problems.map((e, i) => (
                <li key={i}>{fieldSentence(e.pointer, e.message)}</li>
              ))}
            </ul>
          ) : (
            <p>{detailSentence(error.detail)}</p>
          )}
        </div>
      ) : null}
      {missing.length ? (
        <p className="hint" data-testid="preview-missing">
          Still to fill in: {[...new Set(missing)].join(', ')}.
        </p>
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
