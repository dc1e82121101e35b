// Runs mkctl from source for the CLI tests (the product runs it from dist/ through bin/mkctl.js).
import { main } from '../../reconciler/cli/main.js';

await main();
