#!/usr/bin/env node
/**
 * The `sluice` command. Published, it runs from dist; in this repository run
 * it with tsx: `npx tsx packages/core/src/cli/sluice.ts sweep --bucket B --older-than 24h`.
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
