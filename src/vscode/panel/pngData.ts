/** Decoding the PNG data URLs the panel posts: base64 to bytes, then a PNG signature check. */

const PREFIX = 'data:image/png;base64,';
/** The 8-byte PNG file signature (PNG specification §5.2). */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The PNG's bytes, or undefined when the URL is not a well-formed base64 PNG. */
export function decodePngDataUrl(dataUrl: string): Uint8Array | undefined {
  if (!dataUrl.startsWith(PREFIX)) return undefined;
  const b64 = dataUrl.slice(PREFIX.length);
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined;
  return bytes;
}
