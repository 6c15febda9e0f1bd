import type { ServerResponse } from 'node:http';
import type { EmulatorContext, Fault } from './context.js';

/** Faults injected through the control API (or --fault), and writing answers. */

export function takeFault(ctx: EmulatorContext, method: string, path: string): Fault | undefined {
  const i = ctx.faults.findIndex(
    (f) => (!f.method || f.method.toUpperCase() === method) && (!f.path || path.includes(f.path)),
  );
  if (i < 0) return undefined;
  const fault = ctx.faults[i]!;
  if (--fault.count <= 0) ctx.faults.splice(i, 1);
  return fault;
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json',
    ...headers,
  });
  res.end(text);
}

/** A large JSON-looking body written in chunks: {"padding":"xxxx…"}. */
function sendPadding(res: ServerResponse, status: number, size: number): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(size) });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let left = size;
  const head = Buffer.from('{"padding":"');
  const tail = Buffer.from('"}');
  res.write(head.subarray(0, left));
  left -= Math.min(left, head.length);
  const pump = (): void => {
    while (left > tail.length) {
      const n = Math.min(chunk.length, left - tail.length);
      left -= n;
      if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end(tail.subarray(0, left));
  };
  res.on('error', () => {});
  pump();
}

/**
 * Answers with the fault's own status and body, when it has one; false when the request goes on to
 * be served.
 */
export function answerWithFault(res: ServerResponse, fault: Fault | undefined): boolean {
  if (!fault?.status) return false;
  if (fault.bodyRepeat) {
    const { before = '', text, times, after = '' } = fault.bodyRepeat;
    const body = `${before}${text.repeat(
      Math.max(0, Math.min(times, Math.floor((256 * 1024 * 1024) / Math.max(1, text.length)))),
    )}${after}`;
    send(res, fault.status, body, { 'Content-Type': 'application/json', ...fault.headers });
  } else if (fault.bodySize)
    sendPadding(res, fault.status, Math.min(fault.bodySize, 256 * 1024 * 1024));
  else send(res, fault.status, fault.body, fault.headers);
  return true;
}
