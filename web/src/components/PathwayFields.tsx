import { useState } from 'react';
import type { CatalogueItem } from '../api-types.ts';
import { credits } from '../format.ts';

/** An achievement of the catalogue in a few words: "Statistics I — University (5 ECTS, EQF 6)". */
export function describeCatalogueItem(item: CatalogueItem): string {
  const facts = [item.creditsEcts !== null ? `${credits(item.creditsEcts)} ECTS` : '', item.eqfLevel !== null ? `EQF ${item.eqfLevel}` : ''].filter(Boolean).join(', ');
  return `${item.name} — ${item.issuerName ?? item.organisationName}${facts ? ` (${facts})` : ''}`;
}

function matches(item: CatalogueItem, words: string[]): boolean {
  const text = `${item.name} ${item.issuerName ?? ''} ${item.organisationName} ${item.fieldOfStudy ?? ''}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

const SHOWN = 8;

/**
 * A list of achievements picked from the instance's catalogue (by their public URL): search, add,
 * remove; an address not in the catalogue (another platform's achievement) can be added by hand.
 */
export function CataloguePicker(props: {
  id: string;
  legend: string;
  hint?: string;
  values: string[];
  onChange(values: string[]): void;
  catalogue: CatalogueItem[];
  error?: string | undefined;
}) {
  const { id, legend, hint, values, onChange, catalogue, error } = props;
  const [q, setQ] = useState('');
  const [manual, setManual] = useState('');
  const byUrl = new Map(catalogue.map((c) => [c.achievementUrl, c]));
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const found = words.length ? catalogue.filter((c) => !values.includes(c.achievementUrl) && matches(c, words)) : [];
  const add = (url: string) => {
    if (url && !values.includes(url)) onChange([...values, url]);
    setQ('');
  };
  const errorId = error ? `${id}-error` : undefined;
  return (
    <fieldset className={error ? 'field field-invalid picker' : 'field picker'} id={id} aria-describedby={[hint ? `${id}-hint` : '', errorId ?? ''].filter(Boolean).join(' ') || undefined}>
      <legend>{legend}</legend>
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p className="field-error" id={errorId}>{error}</p> : null}
      {values.length ? (
        <ul className="ordered" aria-label={`${legend}: chosen`}>
          {values.map((url) => {
            const item = byUrl.get(url);
            const name = item ? describeCatalogueItem(item) : url;
            return (
              <li key={url}>
                <span className="item-name">{name}</span>
                <button type="button" className="small" onClick={() => onChange(values.filter((v) => v !== url))}>
                  Remove<span className="visually-hidden"> {item?.name ?? url}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">None chosen yet.</p>
      )}
      <div className="field">
        <label htmlFor={`${id}-search`}>Find in the catalogue</label>
        <input id={`${id}-search`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, issuer or organisation" autoComplete="off" />
      </div>
      {words.length ? (
        found.length ? (
          <ul className="ordered" aria-label={`${legend}: catalogue matches`}>
            {found.slice(0, SHOWN).map((c) => (
              <li key={c.achievementUrl}>
                <span className="item-name">{describeCatalogueItem(c)}</span>
                <button type="button" className="small" onClick={() => add(c.achievementUrl)}>
                  Add<span className="visually-hidden"> {c.name}</span>
                </button>
              </li>
            ))}
            {found.length > SHOWN ? <li className="muted">{found.length - SHOWN} more: type more of the name.</li> : null}
          </ul>
        ) : (
          <p className="muted" role="status">
            Nothing in the catalogue matches.
          </p>
        )
      ) : null}
      <details className="optional">
        <summary>Add an achievement of another platform by its address</summary>
        <div className="inline-add">
          <div className="field">
            <label htmlFor={`${id}-url`}>Achievement address (URL)</label>
            <input id={`${id}-url`} type="url" value={manual} onChange={(e) => setManual(e.target.value)} />
          </div>
          <button
            type="button"
            className="small"
            onClick={() => {
              add(manual.trim());
              setManual('');
            }}
          >
            Add address
          </button>
        </div>
      </details>
    </fieldset>
  );
}

/** A list of short texts (skill URLs, issuer ids, fields of study): one input each, add and remove. */
export function TextList(props: {
  id: string;
  legend: string;
  itemLabel: string;
  addLabel: string;
  hint?: string;
  values: string[];
  onChange(values: string[]): void;
  error?: string | undefined;
  type?: 'url' | 'text';
  datalist?: string;
}) {
  const { id, legend, itemLabel, addLabel, hint, values, onChange, error, type = 'text', datalist } = props;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <fieldset className={error ? 'field field-invalid' : 'field'} id={id} aria-describedby={[hint ? `${id}-hint` : '', errorId ?? ''].filter(Boolean).join(' ') || undefined}>
      <legend>{legend}</legend>
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p className="field-error" id={errorId}>{error}</p> : null}
      {values.length ? (
        <ol className="rows text-list">
          {values.map((value, i) => (
            <li key={i} className="text-row">
              <label htmlFor={`${id}-${i}`} className="visually-hidden">
                {itemLabel} {i + 1}
              </label>
              <input id={`${id}-${i}`} type={type} value={value} list={datalist} onChange={(e) => onChange(values.map((v, j) => (j === i ? e.target.value : v)))} />
              <button type="button" className="small" onClick={() => onChange(values.filter((_, j) => j !== i))}>
                Remove<span className="visually-hidden"> {itemLabel.toLowerCase()} {i + 1}</span>
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      <button type="button" className="small" onClick={() => onChange([...values, ''])}>
        {addLabel}
      </button>
    </fieldset>
  );
}
