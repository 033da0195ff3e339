import type { z } from 'zod';

/** JSON.parse that answers `undefined` instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `a.b[0].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** The first issue of a failed zod parse as one line, `path: message` (or `fallbackPath: message` at the root). */
export function firstIssue(error: z.ZodError, fallbackPath = '(root)'): string {
  const issue = error.issues[0]!;
  return `${formatPath(issue.path) || fallbackPath}: ${issue.message}`;
}
