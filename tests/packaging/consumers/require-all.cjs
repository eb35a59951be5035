// Requires every @sluice package named on the command line (CommonJS through require(esm)), prints the export names.
const names = {};
for (const name of process.argv.slice(2)) names[name] = Object.keys(require(name)).sort();
process.stdout.write(`${JSON.stringify(names)}\n`);
