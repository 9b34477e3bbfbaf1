import type { Container } from 'dockerode';

// Without a TTY the engine multiplexes stdout/stderr in frames: 8-byte header (stream, 0, 0, 0, size BE32), then data.
export function demux(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return offset === 0 && buffer.length > 0 ? buffer.toString('utf8') : parts.join('');
}

/** The container's last log lines joined with " | ", or '' when there are none (or it is gone). */
export async function lastLogLines(container: Container, lines = 5): Promise<string> {
  try {
    const raw: unknown = await container.logs({ stdout: true, stderr: true, tail: lines, follow: false });
    const text = Buffer.isBuffer(raw) ? demux(raw) : String(raw);
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-lines)
      .join(' | ');
  } catch {
    return '';
  }
}
