// Imports every @sluice package named on the command line (ESM), prints the export names.
const names = {};
for (const name of process.argv.slice(2)) names[name] = Object.keys(await import(name)).sort();
process.stdout.write(`${JSON.stringify(names)}\n`);
