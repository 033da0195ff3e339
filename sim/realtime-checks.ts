/**
 * Small validators for client event payloads that answer with the API's error codes (`invalid_type`,
 * `invalid_value`, `unknown_parameter`, `missing_required_parameter`, range errors), each naming the `param` path.
 */
import { simErrors, type SimError } from './realtime-errors.js';

export type Checker = (value: unknown, path: string) => SimError | undefined;
export type Fields = Record<string, Checker>;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const anything: Checker = () => undefined;
export const string: Checker = (v, p) => (typeof v === 'string' ? undefined : simErrors.invalidType(p, 'a string', v));
export const boolean: Checker = (v, p) => (typeof v === 'boolean' ? undefined : simErrors.invalidType(p, 'a boolean', v));
export const oneOf =
  (values: readonly (string | number)[]): Checker =>
  (v, p) =>
    values.includes(v as string) ? undefined : simErrors.invalidValue(p, v, values.map(String));
export const nullable =
  (check: Checker): Checker =>
  (v, p) =>
    v === null ? undefined : check(v, p);

export function numberIn(min: number, max: number, integer: boolean): Checker {
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      return simErrors.invalidType(p, integer ? 'an integer' : 'a number', v);
    }
    if (v < min) return simErrors.belowMin(p, min, v);
    if (v > max) return simErrors.aboveMax(p, max, v);
    return undefined;
  };
}

export function arrayOf(check: Checker): Checker {
  return (v, p) => {
    if (!Array.isArray(v)) return simErrors.invalidType(p, 'an array', v);
    for (let i = 0; i < v.length; i++) {
      const err = check(v[i], `${p}[${i}]`);
      if (err) return err;
    }
    return undefined;
  };
}

export function object(fields: Fields, required: readonly string[] = []): Checker {
  return (v, p) => {
    if (!isObject(v)) return simErrors.invalidType(p, 'an object', v);
    for (const [key, value] of Object.entries(v)) {
      const check = fields[key];
      if (!check) return simErrors.unknownParameter(`${p}.${key}`);
      const err = check(value, `${p}.${key}`);
      if (err) return err;
    }
    const missing = required.find((key) => v[key] === undefined);
    return missing ? simErrors.missingParameter(`${p}.${missing}`) : undefined;
  };
}

/** An object whose allowed fields depend on its `type`. */
export function tagged(variants: Record<string, Fields>): Checker {
  return (v, p) => {
    if (!isObject(v)) return simErrors.invalidType(p, 'an object', v);
    if (v.type === undefined) return simErrors.missingParameter(`${p}.type`);
    const fields = variants[v.type as string];
    if (!fields) return simErrors.invalidValue(`${p}.type`, v.type, Object.keys(variants));
    return object({ type: anything, ...fields })(v, p);
  };
}
