import { scoreOf } from './compile.ts';
import type { Compiled } from './compile.ts';
import type { Eligible } from './entry.ts';

/**
 * Branch and bound over the contested credentials: each goes to one of the requirements it is
 * eligible for. Maximises the sum of the requirements' progress (so finds a complete assignment if
 * any exists); stops at the first complete one. Only unmet requirements are tried for a credential
 * (giving it to a met one is never better), and a branch is cut when even giving every remaining
 * credential to every requirement could not beat the best found.
 */
export class Search {
  exact = true;
  private nodes = 0;
  private best = -1;
  private bestChoice: number[] = [];
  private readonly choice: number[];
  private readonly achieved: number[];
  private readonly remaining: number[];
  private readonly coverCount: number[][];
  private readonly coverRemaining: number[][];
  private readonly R: number;
  /** suffix[d]: the most the contested credentials from depth d on could add, each counted once. */
  private readonly suffix: number[];

  constructor(
    private readonly reqs: Compiled[],
    fixed: Eligible[][],
    private readonly contested: { i: number; opts: { r: number; el: Eligible }[] }[],
    private readonly budget: number,
  ) {
    this.R = reqs.filter((c) => !c.shared).length;
    // A credential adds at most value/demand to the one requirement it goes to.
    this.suffix = new Array<number>(contested.length + 1).fill(0);
    for (let d = contested.length - 1; d >= 0; d--) {
      let most = 0;
      for (const o of contested[d]!.opts) {
        const c = reqs[o.r]!;
        most = Math.max(most, c.demand > 0 ? Math.min(1, o.el.value / c.demand) : 0);
      }
      this.suffix[d] = this.suffix[d + 1]! + most;
    }
    this.choice = contested.map(() => -1);
    this.achieved = reqs.map(() => 0);
    this.remaining = reqs.map(() => 0);
    this.coverCount = reqs.map((c) => (c.unit === 'cover' ? c.elements!.map(() => 0) : []));
    this.coverRemaining = reqs.map((c) => (c.unit === 'cover' ? c.elements!.map(() => 0) : []));
    for (const c of reqs) {
      if (c.shared) continue;
      for (const el of fixed[c.index]!) this.add(c.index, el, 1);
    }
    for (const k of contested) for (const o of k.opts) this.addRemaining(o.r, o.el, 1);
  }

  private add(r: number, el: Eligible, sign: 1 | -1): void {
    if (this.reqs[r]!.unit === 'cover') {
      for (const k of el.cover!) this.coverCount[r]![k]! += sign;
    } else this.achieved[r]! += sign * el.value;
  }

  private addRemaining(r: number, el: Eligible, sign: 1 | -1): void {
    if (this.reqs[r]!.unit === 'cover') {
      for (const k of el.cover!) this.coverRemaining[r]![k]! += sign;
    } else this.remaining[r]! += sign * el.value;
  }

  private score(r: number, optimistic: boolean): number {
    const c = this.reqs[r]!;
    if (c.unit === 'cover') {
      const counts = this.coverCount[r]!;
      const rem = this.coverRemaining[r]!;
      let n = 0;
      for (let k = 0; k < counts.length; k++) if (counts[k]! > 0 || (optimistic && rem[k]! > 0)) n++;
      return scoreOf(c.unit, n, c.demand);
    }
    return scoreOf(c.unit, this.achieved[r]! + (optimistic ? this.remaining[r]! : 0), c.demand + (c.unit === 'credits' ? -1e-9 : 0));
  }

  private total(optimistic: boolean): number {
    let s = 0;
    for (const c of this.reqs) if (!c.shared) s += this.score(c.index, optimistic);
    return s;
  }

  run(): number[] {
    this.dfs(0);
    return this.bestChoice;
  }

  /** Returns true to stop the whole search (complete assignment found or budget spent). */
  private dfs(depth: number): boolean {
    if (++this.nodes > this.budget) {
      this.exact = false;
      if (this.best < 0) this.greedyFinish(depth);
      return true;
    }
    if (depth === this.contested.length) {
      const s = this.total(false);
      if (s > this.best + 1e-12) {
        this.best = s;
        this.bestChoice = [...this.choice];
      }
      return s >= this.R - 1e-12;
    }
    // Two bounds: every remaining credential given to every requirement, or each given once.
    const bound = Math.min(this.total(true), this.total(false) + this.suffix[depth]!);
    if (bound <= this.best + 1e-12) return false;
    const k = this.contested[depth]!;
    for (const o of k.opts) this.addRemaining(o.r, o.el, -1);
    let opts = k.opts.filter((o) => this.score(o.r, false) < 1);
    if (opts.length === 0) opts = [k.opts[0]!];
    else if (opts.length > 1) {
      // Try first the requirement with the least slack: the one that needs this credential most.
      opts = [...opts].sort((a, b) => this.slack(a.r) - this.slack(b.r) || a.r - b.r);
    }
    let stop = false;
    for (const o of opts) {
      this.choice[depth] = o.r;
      this.add(o.r, o.el, 1);
      stop = this.dfs(depth + 1);
      this.add(o.r, o.el, -1);
      if (stop) break;
    }
    this.choice[depth] = -1;
    for (const o of k.opts) this.addRemaining(o.r, o.el, 1);
    return stop;
  }

  private slack(r: number): number {
    const c = this.reqs[r]!;
    if (c.unit === 'cover') return this.score(r, true) - 1;
    return (this.achieved[r]! + this.remaining[r]! - c.demand) / c.demand;
  }

  /** Out of budget before any leaf: complete the current branch greedily so every credential has a place. */
  private greedyFinish(depth: number): void {
    const choice = [...this.choice];
    for (let d = depth; d < this.contested.length; d++) choice[d] = this.contested[d]!.opts[0]!.r;
    this.bestChoice = choice.map((r, d) => (r === -1 ? this.contested[d]!.opts[0]!.r : r));
    this.best = 0;
  }
}
