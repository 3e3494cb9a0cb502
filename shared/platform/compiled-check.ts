// A compiled accept/reject check generated from zod's own JSON Schema export of the event
// union (z.toJSONSchema), so no field list is written twice. Even with the refines
// replaced (validate.ts), zod spends ~4 µs per event; this plain-function check takes
// well under 1 µs. It only answers yes/no: on "no", zod parses the event to produce the
// error message. It supports exactly the keywords the export uses and throws at load on
// any other, so a schema change it cannot express fails loudly instead of passing events
// unchecked. A test checks it accepts exactly what AccountEvent accepts.
import { z } from 'zod';

export type Check = (v: unknown) => boolean;

interface JsonSchema {
  $schema?: string;
  type?: 'object' | 'string' | 'integer' | 'number' | 'null' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const KNOWN = new Set(['$schema', 'type', 'properties', 'required', 'additionalProperties', 'minLength', 'maxLength', 'pattern', 'format', 'const', 'enum', 'anyOf', 'oneOf', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

function all(checks: Check[]): Check {
  if (checks.length === 1) return checks[0] as Check;
  return (v) => {
    for (const c of checks) if (!c(v)) return false;
    return true;
  };
}

function compileUnion(options: JsonSchema[]): Check {
  // Discriminated by a `type` const: dispatch instead of trying each option.
  const by_type = new Map<unknown, Check>();
  for (const o of options) {
    const tag = o.properties?.type?.const;
    if (tag === undefined || by_type.has(tag)) {
      const checks = options.map(compile);
      return (v) => checks.some((c) => c(v));
    }
    by_type.set(tag, compile(o));
  }
  return (v) => {
    if (typeof v !== 'object' || v === null) return false;
    const c = by_type.get((v as { type?: unknown }).type);
    return c !== undefined && c(v);
  };
}

function compileObject(s: JsonSchema): Check[] {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  const fields = keys.map((k) => [k, compile(props[k] as JsonSchema)] as const);
  const required = new Set(s.required ?? []);
  for (const k of required) if (!(k in props)) throw new Error(`required key ${k} has no schema`);
  const closed = s.additionalProperties === false;
  const allowed: ReadonlySet<string> = new Set(keys);
  // Parallel arrays, walked by index (the hot path of ingest validation).
  const n = fields.length;
  const names = fields.map(([k]) => k);
  const checks = fields.map(([, c]) => c);
  const must = names.map((k) => required.has(k));
  return [
    (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const o = v as Record<string, unknown>;
      if (closed) for (const k of Object.keys(o)) if (!allowed.has(k)) return false;
      for (let i = 0; i < n; i++) {
        const k = names[i] as string;
        const x = o[k];
        if (x === undefined || !Object.hasOwn(o, k)) {
          if (must[i]) return false;
          continue;
        }
        if (!(checks[i] as Check)(x)) return false;
      }
      return true;
    },
  ];
}

export function compile(s: JsonSchema): Check {
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`compiled-check: unsupported JSON Schema keyword "${k}"`);
  if (s.oneOf) return compileUnion(s.oneOf);
  if (s.anyOf) {
    const checks = s.anyOf.map(compile);
    return (v) => checks.some((c) => c(v));
  }
  const checks: Check[] = [];
  switch (s.type) {
    case 'object':
      checks.push(...compileObject(s));
      break;
    case 'string': {
      // One closure per string schema (this runs for every field of every ingested event).
      const lo = s.minLength ?? 0;
      const hi = s.maxLength ?? Infinity;
      if (s.pattern === undefined && s.format !== undefined) throw new Error(`compiled-check: format "${s.format}" without a pattern`);
      const re = s.pattern === undefined ? null : new RegExp(s.pattern);
      checks.push((v) => typeof v === 'string' && v.length >= lo && v.length <= hi && (re === null || re.test(v)));
      break;
    }
    case 'integer':
    case 'number': {
      const integer = s.type === 'integer';
      checks.push((v) => typeof v === 'number' && Number.isFinite(v) && (!integer || Number.isSafeInteger(v)));
      const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = s;
      if (minimum !== undefined) checks.push((v) => (v as number) >= minimum);
      if (maximum !== undefined) checks.push((v) => (v as number) <= maximum);
      if (exclusiveMinimum !== undefined) checks.push((v) => (v as number) > exclusiveMinimum);
      if (exclusiveMaximum !== undefined) checks.push((v) => (v as number) < exclusiveMaximum);
      break;
    }
    case 'null':
      checks.push((v) => v === null);
      break;
    case 'boolean':
      checks.push((v) => typeof v === 'boolean');
      break;
    case undefined:
      if (s.const === undefined && s.enum === undefined) throw new Error('compiled-check: schema without type, const or enum');
      break;
    default:
      throw new Error(`compiled-check: unsupported type ${String(s.type)}`);
  }
  if (s.const !== undefined) {
    const c = s.const;
    checks.push((v) => v === c);
  }
  if (s.enum !== undefined) {
    const allowed = new Set(s.enum);
    checks.push((v) => allowed.has(v));
  }
  return all(checks);
}

/** Compiles a zod schema (without refines/transforms) into a yes/no check. */
export function compileZod(schema: z.ZodType): Check {
  return compile(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema);
}
