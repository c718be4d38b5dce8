/**
 * Zod issues as problems positioned at the offending YAML node. The caller
 * passes the schema it validated with, so an unknown field is matched against
 * the fields of that schema (and of the nested object it sits in) whatever
 * the file is called.
 */
import type { z } from 'zod';
import type { YamlSource } from './yaml-source.js';
import { error, type Problem } from '../problems.js';
import { DecimalComma, FieldInvalid, FieldRequired, FieldUnknown } from '../problem-catalogue.js';
import { nearest } from './suggest.js';

/**
 * `schema` is what produced `issues`; `prefix` is where the validated value
 * sits in the YAML document (e.g. `['metrics', key]` for an observation).
 */
export function zodProblems(source: YamlSource, schema: z.ZodType, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Problem[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      const comma = decimalComma(source, path, key);
      if (comma) return comma;
      return error(source.file, FieldUnknown, [[...path, key].join('.'), nearest(key, fieldsAt(schema, issue.path))], source.at([...path, key]));
    }
    const name = path.length > 0 ? `"${path.join('.')}"` : 'document';
    if (issue.code === 'invalid_type' && issue.input === undefined) return error(source.file, FieldRequired, [name], source.at(path));
    return error(source.file, FieldInvalid, [name, lowerFirst(issue.message)], source.at(path));
  });
}

/**
 * `{ value: 12,5, ... }` reads as `value: 12` and a field named "5": the
 * commonest slip of a writer used to decimal commas. Named as what it is, at
 * the value.
 */
function decimalComma(source: YamlSource, path: readonly PropertyKey[], key: string): Problem | undefined {
  const whole = source.rawScalar([...path, 'value']);
  if (!/^\d+$/.test(key) || whole === undefined || !/^[-+]?\d+$/.test(whole)) return undefined;
  return error(source.file, DecimalComma, [`${whole},${key}`, `${whole}.${key}`], source.at([...path, 'value']));
}

/** The field names of the object schema found by following `path` into `schema` (none if there is no object there). */
export function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at: z.core.$ZodType | undefined = schema;
  for (const step of [...path, undefined]) {
    at = unwrap(at);
    if (!at) return [];
    const def = at._zod.def;
    if (step === undefined) return def.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
    if (def.type === 'object') at = (def as z.core.$ZodObjectDef).shape[String(step)];
    else if (def.type === 'record') at = (def as z.core.$ZodRecordDef).valueType;
    else if (def.type === 'array') at = (def as z.core.$ZodArrayDef).element;
    else return [];
  }
  return [];
}

/** Looks through optional, nullable, default and transform wrappers to the schema that has the shape. */
function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let at = schema;
  for (;;) {
    const def = at?._zod.def;
    if (def?.type === 'optional' || def?.type === 'nullable' || def?.type === 'default') at = (def as z.core.$ZodOptionalDef).innerType;
    else if (def?.type === 'pipe') at = (def as z.core.$ZodPipeDef).in;
    else return at;
  }
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
