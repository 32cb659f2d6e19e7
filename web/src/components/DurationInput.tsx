import { useState } from 'react';
import { DURATION_UNITS, formatDuration, NOT_A_DURATION, parseDuration } from '../duration.ts';
import type { DurationUnit } from '../duration.ts';
import type { ControlProps } from './Field.tsx';

/**
 * A validity period as a number and a unit ("3" "years"), kept as an ISO 8601 duration ("P3Y") in
 * the form. Empty number means no expiry. The number input carries the Field's id, label and messages;
 * the unit select is labelled on its own.
 */
export function DurationInput({ control, value, onChange }: { control: ControlProps; value: string; onChange(iso: string): void }) {
  const parsed = parseDuration(value);
  const [amount, setAmount] = useState(parsed ? String(parsed.amount) : '');
  const [unit, setUnit] = useState<DurationUnit>(parsed?.unit ?? 'Y');
  const emit = (nextAmount: string, nextUnit: DurationUnit) => {
    const n = Number(nextAmount);
    onChange(nextAmount.trim() === '' ? '' : Number.isInteger(n) && n > 0 ? formatDuration({ amount: n, unit: nextUnit }) : `${NOT_A_DURATION}${nextAmount}`);
  };
  return (
    <div className="duration-input">
      <input
        {...control}
        inputMode="numeric"
        value={amount}
        onChange={(e) => {
          setAmount(e.target.value);
          emit(e.target.value, unit);
        }}
      />
      <select
        aria-label="Unit of the validity period"
        value={unit}
        onChange={(e) => {
          const next = e.target.value as DurationUnit;
          setUnit(next);
          emit(amount, next);
        }}
      >
        {DURATION_UNITS.map((u) => (
          <option key={u.unit} value={u.unit}>
            {u.many}
          </option>
        ))}
      </select>
    </div>
  );
}
