/** The one port parser: a given port must be 1-65535; port 0 is refused with the way to get a free port. */
import { strict as assert } from 'node:assert';
import { portOption } from '../../../src/cli/port-option';
import { UsageError } from '../../../src/cli/output';

const refused = (fn: () => unknown, pattern: RegExp): void => assert.throws(fn, (err: unknown) => err instanceof UsageError && pattern.test(err.message));

describe('portOption', () => {
  it('takes a port from 1 to 65535, and the fallback when none is given', () => {
    assert.equal(portOption('1', '--port', 8080), 1);
    assert.equal(portOption('65535', '--port', 8080), 65535);
    assert.equal(portOption(undefined, '--port', 8080), 8080);
    assert.equal(portOption(undefined, '--port', 0), 0, "a default of 0 (any free port) is the command's to choose");
  });

  it('refuses port 0 when the user gives it, saying how to get a free port', () => {
    refused(() => portOption('0', '--port', 0), /--port 0 is refused: give a port from 1 to 65535 \(leave --port out to listen on any free port\)/);
    refused(() => portOption('0', '--admin-port', 9901), /--admin-port 0 is refused: give a port from 1 to 65535$/);
  });

  it('refuses what is not a port number, naming the flag', () => {
    for (const bad of ['65536', '-1', '80.5', '', ' 80', 'http', '1e3'])
      refused(() => portOption(bad, '--port', 8080), /^--port .* is not a port number \(1-65535\)$/);
  });

  it('a port without a fallback is required', () => {
    refused(() => portOption(undefined, '--pg-port'), /--pg-port is required/);
  });
});
