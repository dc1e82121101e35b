#!/usr/bin/env node
// The CLI runs from the compiled output (npm ci builds it); see mkctl/main.ts.
import { main } from '../dist/mkctl/main.js';

await main();
