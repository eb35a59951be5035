// A CommonJS user: require() of the ESM-only packages works on Node >= 20.19
// (require(esm)). Express stores uploads on disk under $SLUICE_STORE/cjs.
const path = require('node:path');
const express = require('express');
const { diskStorage } = require('@sluice/core');
const { upload, uploadErrorHandler } = require('@sluice/express');

const app = express();
app.post('/upload', upload({ storage: diskStorage({ root: path.join(process.env.SLUICE_STORE, 'cjs') }), checksums: ['sha256'] }), (req, res) => res.json({ files: req.files, fields: req.body }));
app.use(uploadErrorHandler);
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ports: { cjs: server.address().port } })}\n`));
