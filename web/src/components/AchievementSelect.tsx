import { Field } from './Field.tsx';
import type { Achievement } from '../api-types.ts';

/** The micro-credential to issue, by name and version (issue one and bulk issue). */
export function AchievementSelect(props: { id: string; achievements: Achievement[] | undefined; value: string; onChange: (id: string) => void; error?: string | undefined }) {
  return (
    <Field id={props.id} label="Micro-credential" error={props.error}>
      {(p) => (
        <select {...p} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.achievements?.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} (v{a.version})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
