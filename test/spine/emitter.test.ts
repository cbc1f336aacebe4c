/** Emitter/Event: VS Code's (listener, thisArgs, disposables) form, and owned (plugin) listeners queued in order and isolated. */
import { expect } from 'chai';
import { DisposableStore } from '../../core/common/disposable.js';
import { Emitter } from '../../core/common/event.js';
import { ownedDeliveriesIdle, runAsOwner, type ListenerOwner } from '../../core/common/listener-owner.js';

function owner(id: string, errors: string[]): ListenerOwner {
  return { id, report: (err) => errors.push(`${id}: ${(err as Error).message}`) };
}

describe('Emitter and Event', () => {
  it('binds thisArgs and adds the subscription to an array or a store', () => {
    const emitter = new Emitter<number>();
    const target = { sum: 0 };
    const store = new DisposableStore();
    const list: { dispose(): void }[] = [];
    emitter.event(function (this: typeof target, n) {
      this.sum += n;
    }, target, store);
    emitter.event(function (this: typeof target, n) {
      this.sum += 10 * n;
    }, target, list);
    emitter.fire(1);
    expect(target.sum).to.equal(11);
    store.dispose();
    for (const d of list) d.dispose();
    emitter.fire(1);
    expect(target.sum).to.equal(11);
  });

  it('calls core listeners at once and owned ones later, in firing order across owners, a throw reported to its owner', async () => {
    const errors: string[] = [];
    const a = new Emitter<string>();
    const b = new Emitter<string>();
    const seen: string[] = [];
    a.event((v) => seen.push(`core ${v}`));
    runAsOwner(owner('p1', errors), () =>
      a.event((v) => {
        seen.push(`p1 ${v}`);
        if (v === 'boom') throw new Error('p1 broke');
      }),
    );
    const sub = runAsOwner(owner('p2', errors), () => b.event((v) => seen.push(`p2 ${v}`)));
    a.fire('1');
    b.fire('2');
    a.fire('boom');
    expect(seen).to.deep.equal(['core 1', 'core boom']);
    await ownedDeliveriesIdle();
    expect(seen).to.deep.equal(['core 1', 'core boom', 'p1 1', 'p2 2', 'p1 boom']);
    expect(errors).to.deep.equal(['p1: p1 broke']);
    // disposed before its delivery: the queued value is not delivered
    b.fire('late');
    sub.dispose();
    await ownedDeliveriesIdle();
    expect(seen).to.have.length(5);
  });
});
