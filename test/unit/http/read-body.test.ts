/** The one bounded reader of HTTP bodies: what it keeps, and what it does with the rest. */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { readBody } from '../../../src/http/read-body';

/** An endless stream of `x`, counting how much was pulled from it. */
function endless(): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      pulled += 1024;
      this.push(Buffer.alloc(1024, 0x78));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('readBody', () => {
  it('reads a body under the bound whole, a character split across chunks included', async () => {
    const euro = Buffer.from('€');
    const read = await readBody(Readable.from([Buffer.from('price: '), euro.subarray(0, 1), euro.subarray(1)]), { maxBytes: 100 });
    assert.deepEqual(read, { text: 'price: €', truncated: false });
    assert.deepEqual(
      await readBody(Readable.from([Buffer.alloc(10, 0x61)]), { maxBytes: 10 }),
      { text: 'a'.repeat(10), truncated: false },
      'exactly the bound is not truncated',
    );
  });

  it('keeps the first maxBytes of a longer body and stops reading an endless one', async () => {
    const { stream, pulled } = endless();
    const read = await readBody(stream, { maxBytes: 5000 });
    assert.equal(read.truncated, true);
    assert.equal(read.text, 'x'.repeat(5000));
    assert.equal(stream.destroyed, true);
    assert.ok(pulled() < 100_000, `pulled ${pulled()} bytes`);
  });

  it('with beyond: discard, reads the rest and drops it so a server can still answer', async () => {
    const server = http.createServer((req, res) => {
      void readBody(req, { maxBytes: 16, beyond: 'discard' }).then(({ text, truncated }) => {
        res.writeHead(truncated ? 413 : 200).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const small = await fetch(url, { method: 'POST', body: 'short' });
      assert.equal(small.status, 200);
      assert.equal(await small.text(), 'short');
      const large = await fetch(url, { method: 'POST', body: 'y'.repeat(200_000) });
      assert.equal(large.status, 413);
      assert.equal(await large.text(), 'y'.repeat(16));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects when the stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(readBody(failing, { maxBytes: 100 }), /connection reset/);
  });
});
