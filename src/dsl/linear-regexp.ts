/**
 * A RegExp stand-in for JSONata's `RegexEngine` option, backed by RE2 (re2js): runbook regex
 * literals (`$match($s, /^(a+)+$/)`) match in linear time instead of backtracking for minutes
 * inside one evaluation step, where no step budget can interrupt them. JSONata only uses
 * `lastIndex` and `exec` (global-regex semantics), so that is all this implements.
 */
import { RE2JS } from 're2js';

export class LinearRegExp {
  lastIndex = 0;
  private readonly re: RE2JS;

  constructor(native: RegExp) {
    const flags = (native.flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (native.flags.includes('m') ? RE2JS.MULTILINE : 0);
    this.re = RE2JS.compile(native.source, flags);
  }

  exec(text: string): RegExpExecArray | null {
    const matcher = this.re.matcher(text);
    if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: string[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) as string);
    const match = Object.assign(groups, { index: matcher.start(), input: text }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end();
    return match;
  }
}
