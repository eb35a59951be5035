// prepublishOnly guard of every publishable package. Only pnpm applies
// publishConfig (dist exports, bin) and rewrites workspace: ranges when it
// packs; `npm publish` from a package folder would ship src/*.ts exports and
// unresolvable `workspace:` dependencies, so it is refused here.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by a publish hook, never by a turbo task
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  console.error('Publish with pnpm (`pnpm changeset publish`, see docs/releasing.md): npm would ship src exports and workspace: ranges.');
  process.exit(1);
}
