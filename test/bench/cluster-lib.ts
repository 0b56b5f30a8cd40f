/**
 * Cluster members as child processes and the ownership timeline they report (used by
 * test/integration/cluster-*.test.ts and test/bench/cluster.ts). Every member reports `acquired` and
 * `released` with Date.now() on one machine's clock; a SIGKILL is recorded by the parent as the
 * release of everything the killed member held at that moment.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { rendezvousOwner } from '../../src/cluster/keys.js';
import type { MemberEvent } from './cluster-member.js';

export interface Member {
  id: string;
  proc: ChildProcess;
  joined: Promise<void>;
}

export interface Timings {
  heartbeat_ms: number;
  fence_after_ms: number;
  dead_after_ms: number;
}

/** The compiled member script (`npm run build` first), from the repository root. */
export function memberScript(root: string): string {
  return join(root, 'dist/test/bench/cluster-member.js');
}

export class Cluster {
  readonly events: MemberEvent[] = [];
  readonly members = new Map<string, Member>();
  readonly sites: string[];

  constructor(
    private readonly url: string,
    siteCount: number,
    private readonly script: string,
    private readonly timings?: Timings,
  ) {
    this.sites = Array.from({ length: siteCount }, (_, i) => `1401000000${String(i).padStart(2, '0')}`);
  }

  start(id: string): Member {
    const t = this.timings;
    const args = [this.url, id, String(this.sites.length), ...(t ? [t.heartbeat_ms, t.fence_after_ms, t.dead_after_ms].map(String) : [])];
    const log = openSync(`/tmp/anjian-cluster-${id}.log`, 'a');
    const proc = fork(this.script, args, { stdio: ['ignore', log, log, 'ipc'] });
    let joined: () => void = () => {};
    const member: Member = { id, proc, joined: new Promise((r) => (joined = r)) };
    proc.on('message', (m: MemberEvent) => {
      if (m.ev === 'joined') joined();
      else if (m.ev) this.events.push(m);
    });
    this.members.set(id, member);
    return member;
  }

  /** SIGKILL: recorded as the release, at this moment, of all the member held. */
  kill(id: string): number {
    const m = this.members.get(id);
    if (!m) throw new Error(`no member ${id}`);
    const t = Date.now();
    for (const site of this.holdingsAt(Number.POSITIVE_INFINITY).get(id) ?? []) this.events.push({ ev: 'released', site, t, id });
    m.proc.kill('SIGKILL');
    this.members.delete(id);
    return t;
  }

  async stop(id: string): Promise<void> {
    const m = this.members.get(id);
    if (!m) return;
    const exited = new Promise((r) => m.proc.once('exit', r));
    m.proc.send({ cmd: 'stop' });
    await exited;
    this.members.delete(id);
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.members.keys()]) {
      this.members.get(id)?.proc.kill('SIGKILL');
      this.members.delete(id);
    }
  }

  /** Sorted timeline; on equal times a release comes first (it happened first: it precedes the unlock). */
  timeline(): MemberEvent[] {
    return [...this.events].sort((a, b) => a.t - b.t || (a.ev === 'released' ? -1 : 1) - (b.ev === 'released' ? -1 : 1));
  }

  /** instance → sites it holds at time t (per the timeline). */
  holdingsAt(t: number): Map<string, Set<string>> {
    const held = new Map<string, Set<string>>();
    for (const e of this.timeline()) {
      if (e.t > t || !e.site) continue;
      const set = held.get(e.id) ?? new Set<string>();
      if (e.ev === 'acquired') set.add(e.site);
      else set.delete(e.site);
      held.set(e.id, set);
    }
    return held;
  }

  /** site → owner at time t, or the sites with zero or several owners. */
  ownersAt(t: number): Map<string, string[]> {
    const owners = new Map<string, string[]>(this.sites.map((s) => [s, []]));
    for (const [id, sites] of this.holdingsAt(t)) for (const s of sites) owners.get(s)?.push(id);
    return owners;
  }

  /** Every moment a site had two owners at once (should be none). */
  doubleOwnership(): { site: string; t: number; owners: string[] }[] {
    const holders = new Map<string, Set<string>>();
    const bad: { site: string; t: number; owners: string[] }[] = [];
    for (const e of this.timeline()) {
      if (!e.site) continue;
      const set = holders.get(e.site) ?? new Set<string>();
      if (e.ev === 'acquired') {
        set.add(e.id);
        if (set.size > 1) bad.push({ site: e.site, t: e.t, owners: [...set] });
      } else set.delete(e.id);
      holders.set(e.site, set);
    }
    return bad;
  }

  /** The longest time any site was unowned in [from, to] (after it first had an owner). */
  longestGap(from: number, to: number): { site: string; ms: number } {
    let worst = { site: '', ms: 0 };
    for (const site of this.sites) {
      let since: number | undefined = this.ownersAt(from).get(site)?.length ? undefined : from;
      let count = this.ownersAt(from).get(site)?.length ?? 0;
      for (const e of this.timeline().filter((x) => x.site === site && x.t > from && x.t <= to)) {
        count += e.ev === 'acquired' ? 1 : -1;
        if (count === 0) since = e.t;
        else if (since !== undefined) {
          if (e.t - since > worst.ms) worst = { site, ms: e.t - since };
          since = undefined;
        }
      }
      if (since !== undefined && to - since > worst.ms) worst = { site, ms: to - since };
    }
    return worst;
  }

  /** Waits until every site has exactly one owner, the one rendezvous hashing assigns among `ids` (by the timeline). */
  async settled(ids: readonly string[], timeoutMs = 15_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const owners = this.ownersAt(Number.POSITIVE_INFINITY);
      if ([...owners].every(([site, o]) => o.length === 1 && o[0] === rendezvousOwner(site, ids))) return Date.now();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`sites not settled on ${ids.join(', ')} within ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries(this.ownersAt(Number.POSITIVE_INFINITY)))}`);
  }

  /** When the last of `sites` was acquired by someone other than `from` after `since`. */
  takenAt(sites: readonly string[], since: number): number | undefined {
    let last = 0;
    for (const site of sites) {
      const e = this.timeline().find((x) => x.site === site && x.ev === 'acquired' && x.t >= since);
      if (!e) return undefined;
      last = Math.max(last, e.t);
    }
    return last;
  }

  /** Asks every live member what it owns now. */
  async sample(): Promise<Map<string, string[]>> {
    const replies = await Promise.all(
      [...this.members.values()].map(
        (m) =>
          new Promise<[string, string[]]>((resolve) => {
            const on = (msg: { owned?: string[] }) => {
              if (!msg.owned) return;
              m.proc.off('message', on);
              resolve([m.id, msg.owned]);
            };
            m.proc.on('message', on);
            m.proc.send({ cmd: 'owned' });
          }),
      ),
    );
    return new Map(replies);
  }
}
