/**
 * memo(): re-render a row only when its data props change (a few hundred points per site are
 * polled every few seconds; unchanged rows must not re-render). Function props are callbacks and
 * are not compared, nor the props named in `ignore` (config that does not change at run time). Written here rather than pulling in preact/compat.
 */
import { Component, type FunctionComponent, h } from 'preact';

export function memo<P extends object>(inner: FunctionComponent<P>, ignore: readonly (keyof P)[] = []): FunctionComponent<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const prev = this.props as Record<string, unknown>;
      const nextProps = next as Record<string, unknown>;
      const keys = new Set([...Object.keys(prev), ...Object.keys(nextProps)]);
      for (const k of keys) if (typeof nextProps[k] !== 'function' && !ignore.includes(k as keyof P) && prev[k] !== nextProps[k]) return true;
      return false;
    }
    override render() {
      return h(inner, this.props);
    }
  }
  return Memo as unknown as FunctionComponent<P>;
}
