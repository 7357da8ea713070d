/** Who is at the keyboard: --as, else $GENIE_USER, else the OS user. Recorded with every request. */
import * as os from 'node:os';

export function currentUser(as?: string): string {
  return as || process.env.GENIE_USER || os.userInfo().username;
}
