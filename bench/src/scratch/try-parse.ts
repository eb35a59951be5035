import { runParseSection } from '../parse/section.js';
import { browserLikeBoundary } from '../lib/content.js';
const r = await runParseSection({ quick: true, boundary: browserLikeBoundary(), log: console.log });
console.log(r.failures, r.seconds);
