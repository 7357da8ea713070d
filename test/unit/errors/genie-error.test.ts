import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import { GenieError, isGenieError } from '../../../src/errors/genie-error';

class WidgetError extends GenieError {
  readonly code = 'WIDGET_BROKEN';
}

class CodedError extends GenieError {
  constructor(
    readonly code: 'A' | 'B',
    message: string,
  ) {
    super(message);
  }
}

describe('GenieError', () => {
  it('names an error after its class and keeps its code and message', () => {
    const e = new WidgetError('the widget broke');
    assert.equal(e.name, 'WidgetError');
    assert.equal(e.code, 'WIDGET_BROKEN');
    assert.equal(e.message, 'the widget broke');
    assert.equal(String(e), 'WidgetError: the widget broke');
    assert.ok(e instanceof Error);
  });

  it('takes a code from a constructor parameter and a cause', () => {
    const cause = new Error('underneath');
    const e = new CodedError('B', 'b happened');
    assert.equal(e.code, 'B');
    assert.equal(new WidgetError('x', { cause }).cause, cause);
  });

  it('isGenieError tells a GenieError from any other error or value', () => {
    assert.equal(isGenieError(new WidgetError('x')), true);
    assert.equal(isGenieError(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
    assert.equal(isGenieError({ code: 'WIDGET_BROKEN', name: 'WidgetError' }), false);
    assert.equal(isGenieError(undefined), false);
    assert.equal(isGenieError('WIDGET_BROKEN'), false);
  });

  it('isGenieError recognises an error made in another V8 context, where instanceof does not', () => {
    // The compiled module, evaluated in a fresh context, as the workflow sandbox does with workflow code.
    const source = fs.readFileSync(require.resolve('../../../src/errors/genie-error'), 'utf8');
    const sandbox: { exports: Record<string, unknown>; made?: unknown } = { exports: {} };
    vm.runInNewContext(
      `${source}\nclass SandboxError extends exports.GenieError { code = 'SANDBOX'; }\nglobalThis.made = new SandboxError('from the sandbox');`,
      sandbox,
    );
    assert.equal(sandbox.made instanceof GenieError, false);
    assert.equal(isGenieError(sandbox.made), true);
    assert.equal((sandbox.made as GenieError).name, 'SandboxError');
  });
});
