import { request } from 'node:http';

/**
 * Sends a PATCH whose body is cut off after `cutAfter` bytes: the socket is
 * destroyed mid-body, as a client that loses its connection would. Resolves
 * once the socket is gone (the server may still be persisting).
 */
export function cutPatch(url: string, offset: number, data: Buffer, cutAfter: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Content-Length': String(data.length) },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.on('response', (res) => res.resume());
    const piece = 64 * 1024;
    let sent = 0;
    const pump = (): void => {
      while (sent < cutAfter) {
        const end = Math.min(cutAfter, sent + piece);
        const ok = req.write(data.subarray(sent, end));
        sent = end;
        if (!ok) {
          req.once('drain', pump);
          return;
        }
      }
      // Give the bytes a moment to leave, then drop the connection mid-body.
      setTimeout(() => req.destroy(), 20);
    };
    pump();
  });
}
