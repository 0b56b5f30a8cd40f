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
import { PairMap } from '../util/pair-map.js';
import type { LinkedOutput, OutputCommand } from './linkage.js';

/** The rule and point holding an output, as `heldBy` reports it: `linkage/CH4_01`. */
const holdOf = (source: string, point_id: string): string => `${source}/${point_id}`;

export class OutputHolds {
  /** (site, device) → output name ('' for a device's only output) → the holds keeping it off. */
  private readonly holds = new PairMap<Map<string, Set<string>>>();

  /** The commands of one rule (`source`, e.g. 'linkage' or 'fan_lockout') that must go out. */
  filter(source: string, commands: readonly OutputCommand[]): OutputCommand[] {
    return commands.filter((c) => {
      const holds = this.holdsOn(c.site_id, c.device_id, c.output);
      if (c.cmd === 'power_off') {
        holds.add(holdOf(source, c.point_id));
        return true;
      }
      holds.delete(holdOf(source, c.point_id));
      return holds.size === 0;
    });
  }

  /** After a restart: the points whose active alarms keep their outputs off (no command sent). */
  restore(source: string, site_id: string, point_id: string, outputs: readonly LinkedOutput[]): void {
    for (const o of outputs) this.holdsOn(site_id, o.device_id, o.output).add(holdOf(source, point_id));
  }

  /** The rules and points holding an output off, e.g. for the audit of a withheld power_on. */
  heldBy(site_id: string, device_id: string, output?: string): string[] {
    return [...(this.holds.get(site_id, device_id)?.get(output ?? '') ?? [])];
  }

  private holdsOn(site_id: string, device_id: string, output: string | undefined): Set<string> {
    let outputs = this.holds.get(site_id, device_id);
    if (!outputs) this.holds.set(site_id, device_id, (outputs = new Map()));
    let holds = outputs.get(output ?? '');
    if (!holds) outputs.set(output ?? '', (holds = new Set()));
    return holds;
  }
}
