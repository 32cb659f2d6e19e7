/**
 * A multipart/form-data body built by hand, so the API client can send it as a raw body with its
 * boundary (a FormData body needs the browser to choose the content type).
 */
export function multipart(fields: Record<string, string | File | undefined>): { body: Blob; contentType: string } {
  const boundary = `----microcred${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const parts: BlobPart[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'string') {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`, value, '\r\n');
    } else {
      const fileName = value.name.replace(/["\r\n\\]/g, '_') || 'file';
      parts.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`,
        value,
        '\r\n',
      );
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
