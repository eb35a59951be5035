import { readFileSync } from 'node:fs';
import type { DemoConfig } from './config.js';

// The resumable mode is its own file (tus-js-client's script and the code that drives it), inserted before </body>.
const RESUMABLE = readFileSync(new URL('./page-resumable.html', import.meta.url), 'utf8');
const TEMPLATE = readFileSync(new URL('./page.html', import.meta.url), 'utf8').replace('__RESUMABLE__', () => RESUMABLE);

/** Headers for the page: inline HTML, CSS and JS; the only other thing it loads is tus-js-client from this server. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The settings the page shows (nothing secret: no bucket names, no paths, no keys). */
export function publicConfig(framework: string, config: DemoConfig) {
  const { fileSize, totalSize, files } = config.limits;
  return { framework, storage: config.storage.kind, limits: { fileSize, totalSize, files }, allowedTypes: config.allowedTypes ?? null, checksums: config.checksums };
}

/** The upload page for one framework: a single self-contained HTML document. */
export function renderPage({ framework, config }: { framework: string; config: DemoConfig }): string {
  // JSON inside <script>: escape "<" so that no value can close the element.
  const json = JSON.stringify(publicConfig(framework, config)).replace(/</g, '\\u003c');
  return TEMPLATE.replaceAll('__FRAMEWORK__', escapeHtml(framework)).replace('__CONFIG__', () => json);
}
