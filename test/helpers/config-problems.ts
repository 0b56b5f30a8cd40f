/** The `path: message` lines a config text is refused with (none when it loads), as `anjian check-config` prints them. */
import { ConfigError, parseConfig } from '../../src/config/load.js';

export function configProblems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}
