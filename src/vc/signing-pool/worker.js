// The signing worker's entry file. Worker threads do not inherit the TypeScript loader, so from
// the sources it registers tsx and loads the TypeScript entry; scripts/build.js copies it into dist/
// with register() made a no-op, where the same import reaches the compiled module.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
