/**
 * One output, several reasons to keep it off. The methane power-off linkage (src/alarms/linkage.ts)
 * and the fan lockout (src/alarms/fan-lockout.ts) may cut the same heading's power; each sends
 * power_on when ITS reason ends. The power must come back only when no reason is left: AQ 1029
 * restores power only below the restore value (复电) and only with the heading ventilated
 * (风电闭锁, standards.md §1.1, §1.2), whichever ends first. Pure: commands in, commands out.
 *
 *   power_off from any rule  ──▶ passed on (idempotent; every cut is audited), the rule holds the output
 *   power_on from a rule     ──▶ its hold released; passed on only when no other rule holds the output
 *
 * A hold is one rule's point (source + site + point): both rules send one power_off and one power_on
 * per point and episode, whatever alarm ids they carry.
 */
import type { LinkedOutput, OutputCommand } from './linkage.js';

const outputKey = (c: { site_id: string; device_id: string; output?: string }): string => `${c.site_id}\u0000${c.device_id}\u0000${c.output ?? ''}`;
const holdKey = (source: string, point_id: string): string => `${source}\u0000${point_id}`;

export class OutputHolds {
  private readonly holds = new Map<string, Set<string>>();

  /** The commands of one rule (`source`, e.g. 'linkage' or 'fan_lockout') that must go out. */
  filter(source: string, commands: readonly OutputCommand[]): OutputCommand[] {
    return commands.filter((c) => {
      const k = outputKey(c);
      const holds = this.holds.get(k) ?? new Set<string>();
      this.holds.set(k, holds);
      if (c.cmd === 'power_off') {
        holds.add(holdKey(source, c.point_id));
        return true;
      }
      holds.delete(holdKey(source, c.point_id));
      return holds.size === 0;
    });
  }

  /** After a restart: the points whose active alarms keep their outputs off (no command sent). */
  restore(source: string, site_id: string, point_id: string, outputs: readonly LinkedOutput[]): void {
    for (const o of outputs) {
      const k = outputKey({ site_id, ...o });
      this.holds.set(k, (this.holds.get(k) ?? new Set()).add(holdKey(source, point_id)));
    }
  }

  /** The rules and points holding an output off, e.g. for the audit of a withheld power_on. */
  heldBy(site_id: string, device_id: string, output?: string): string[] {
    return [...(this.holds.get(outputKey({ site_id, device_id, ...(output !== undefined ? { output } : {}) })) ?? [])].map((h) => h.replace('\u0000', '/'));
  }
}
