import { bake, unbake } from './bake.ts';
import { demo } from './demo.ts';
import { issue } from './issue.ts';
import { keysDidDocument, keysGenerate } from './keys.ts';
import { present } from './present.ts';
import { init, serve } from './server.ts';
import { statusListCreate, statusListGet, statusListSet } from './status-list.ts';
import { verify } from './verify.ts';
import type { Command } from './types.ts';

export type { Command } from './types.ts';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [serve, init, keysGenerate, keysDidDocument, issue, verify, present, bake, unbake, statusListCreate, statusListSet, statusListGet, demo];
