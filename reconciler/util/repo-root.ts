import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The checkout minik8s runs from: this file is dist/reconciler/util/ compiled, reconciler/util/ through tsx. */
export const repoRoot = here.includes(`${sep}dist${sep}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
