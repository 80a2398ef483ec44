import { expect } from 'chai';
import { runSerially } from '../../src/lib/serial.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runSerially', () => {
  it('never runs two pieces of work for the same key at once, in call order', async () => {
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runSerially('case:1', async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await tick();
          order.push(i);
          running--;
        }),
      ),
    );
    expect(maxRunning).to.equal(1);
    expect(order).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('runs different keys side by side, and a failure does not block the queue', async () => {
    let running = 0;
    let maxRunning = 0;
    const work = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick();
      running--;
    };
    await Promise.all([runSerially('a', work), runSerially('b', work)]);
    expect(maxRunning).to.equal(2);
    const failed = runSerially('c', () => Promise.reject(new Error('boom')));
    const after = runSerially('c', async () => 'ran');
    expect(await failed.catch((e: Error) => e.message)).to.equal('boom');
    expect(await after).to.equal('ran');
  });
});
