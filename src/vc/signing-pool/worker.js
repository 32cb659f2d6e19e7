// The signing worker's entry file. Worker threads do not inherit the TypeScript loader, so from
// the sources it registers tsx and loads the TypeScript entry; a compiled build can point the pool
// (`script`) at its own compiled worker-main.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
