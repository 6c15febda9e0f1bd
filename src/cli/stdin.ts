/** Reads job IDs from a stream, one per line; blank lines and lines starting with # are skipped. */
export async function readIdLines(stream: NodeJS.ReadableStream): Promise<string[]> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
