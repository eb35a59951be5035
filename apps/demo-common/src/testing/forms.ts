/** A file part for {@link formWith}. */
export interface FormFile {
  name: string;
  content: Buffer | string;
  type?: string;
}

/** The parsed answer of `POST /upload`. */
export interface Posted {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a test client reads whatever JSON the server sent; each test asserts its shape
  json: any;
  headers: Headers;
}

/** Posts `form` to a demo's `POST /upload` and reads the JSON answer. */
export async function postForm(url: string, form: FormData): Promise<Posted> {
  const response = await fetch(`${url}/upload`, { method: 'POST', body: form });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

/** A browser-like form: the text fields first, then every file under the field name `file`. */
export function formWith(files: FormFile[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files)
    form.append('file', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }), file.name);
  return form;
}

/** The storage keys of the files an upload answer lists, sorted. */
export function keysOf(posted: Posted): string[] {
  return (posted.json.files as Array<{ key: string }>).map((file) => file.key).sort();
}
