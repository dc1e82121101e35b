#!/usr/bin/env node
// The CLI runs from the compiled output (npm ci builds it); see reconciler/cli/main.ts.
import { main } from '../dist/reconciler/cli/main.js';

await main();
