/**
 * Secrets out of the config file (issue #16): in any string value of the YAML,
 *   ${NAME}            is replaced by the environment variable NAME (a problem if it is not set),
 *   ${NAME:-default}   by NAME, or `default` when NAME is unset or empty,
 *   $${                is a literal ${,
 * and then a whole value `file:PATH` is replaced by the contents of PATH without the trailing
 * newline (Docker/Kubernetes secrets under /run/secrets, systemd credentials under
 * $CREDENTIALS_DIRECTORY). Runs on the parsed YAML before validation, so every later check sees
 * the real values; problems name the key, never a secret.
 */
import { readFileSync } from 'node:fs';
import type { Problem } from './cross-check.js';
import { formatPath } from './paths.js';

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Keys whose values are secrets: written literally in the file they earn a check-config warning. */
export const SECRET_KEYS = new Set(['password', 'token']);

export interface SecretSources {
  env: Record<string, string | undefined>;
  readFile(path: string): string;
}

const defaults: SecretSources = { env: process.env, readFile: (p) => readFileSync(p, 'utf8') };

export interface Resolved {
  problems: Problem[];
  /** Secret keys given literally in the file (not from ${…} or file:). */
  literalSecrets: string[];
}

/** Replaces references in place (the parsed YAML tree); returns the problems and the literal secrets. */
export function resolveSecrets(raw: unknown, sources: SecretSources = defaults): Resolved {
  const out: Resolved = { problems: [], literalSecrets: [] };
  walk(raw, [], sources, out);
  return out;
}

function walk(node: unknown, path: (string | number)[], sources: SecretSources, out: Resolved): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => (typeof v === 'string' ? (node[i] = resolve(v, [...path, i], sources, out)) : walk(v, [...path, i], sources, out)));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    if (typeof v !== 'string') {
      walk(v, [...path, key], sources, out);
      continue;
    }
    const resolved = resolve(v, [...path, key], sources, out);
    if (SECRET_KEYS.has(key) && !v.includes('${') && !v.startsWith('file:')) out.literalSecrets.push(formatPath([...path, key]));
    obj[key] = resolved;
  }
}

function resolve(value: string, path: (string | number)[], sources: SecretSources, out: Resolved): string {
  if (!value.includes('${')) return fromFile(value, path, sources, out);
  let missing = false;
  const expanded = value.replace(REF, (ref, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const v = sources.env[name];
    if (v !== undefined && (v !== '' || fallback === undefined)) return v;
    if (fallback !== undefined) return fallback;
    out.problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
    missing = true;
    return ref;
  });
  return missing ? expanded : fromFile(expanded, path, sources, out);
}

function fromFile(value: string, path: (string | number)[], sources: SecretSources, out: Resolved): string {
  if (!value.startsWith('file:')) return value;
  const file = value.slice('file:'.length);
  try {
    return sources.readFile(file).replace(/\r?\n$/, '');
  } catch (err) {
    out.problems.push({ path: formatPath(path), message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return value;
  }
}
