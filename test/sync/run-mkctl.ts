// Runs mkctl from source for the CLI tests (the product runs it from dist/ through bin/mkctl.js).
import { main } from '../../mkctl/main.js';

await main();
