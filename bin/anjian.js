#!/usr/bin/env node
// The `anjian` command (npx anjian …): runs the compiled CLI built by `npm install`.
import '../dist/src/cli.js';
