/**
 * Edits a fixture text for one test: each [from, to] replaces the first match of `from`, and a
 * `from` that is no longer in the text throws, naming it, instead of leaving the fixture unchanged
 * (a test that patches nothing tests the fixture, not the case it was written for).
 */
export function patch(text: string, ...edits: readonly (readonly [from: string | RegExp, to: string])[]): string {
  return edits.reduce((out, [from, to]) => {
    const found = typeof from === 'string' ? out.includes(from) : new RegExp(from.source, from.flags.replace('g', '')).test(out);
    if (!found) throw new Error(`fixture patch: ${JSON.stringify(String(from))} is not in the text any more`);
    return out.replace(from, to);
  }, text);
}
