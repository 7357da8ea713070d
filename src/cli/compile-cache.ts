/**
 * Node's on-disk cache of compiled code (Node 22.1+; its default folder is under the OS temp
 * dir): the CLI's second and later starts skip recompiling the Temporal client and the rest,
 * about a third of a short command's time. Imported first by main.ts, before anything heavy.
 */
import * as nodeModule from 'node:module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
