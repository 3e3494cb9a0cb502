// A group of native radio buttons styled as a segmented control: arrow keys move within the
// group and Tab leaves it, as screen readers and keyboard users expect; no custom key handling.
import { useId } from 'react';

export interface Choice<T extends string> {
  value: T;
  label: string;
  /** Extra class on the selected segment (e.g. buy/sell colours). */
  tone?: string;
}

export function RadioChoice<T extends string>({ legend, value, choices, onChange, name }: { legend: string; value: T; choices: readonly Choice<T>[]; onChange(v: T): void; name?: string }) {
  const id = useId();
  return (
    <fieldset className="segmented-radio">
      <legend className="visually-hidden">{legend}</legend>
      {choices.map((c) => (
        <label key={c.value} className={c.value === value ? `segment checked ${c.tone ?? ''}` : 'segment'}>
          <input type="radio" name={name ?? id} value={c.value} checked={c.value === value} onChange={() => onChange(c.value)} />
          <span>{c.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
