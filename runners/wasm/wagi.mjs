// The WAGI convention (deislabs/wagi): a request becomes CGI variables, argv and stdin; the module's stdout
// is headers, a blank line, the body. Plain JavaScript, shared by the Wasm host's workers and the bench floor.

/** CGI environment for one request: method, path, query, headers as HTTP_*, body length and type. */
export function wagiEnv(request, moduleName) {
  const url = new URL(request.url ?? '/', 'http://function');
  const env = {
    REQUEST_METHOD: request.method ?? 'GET',
    PATH_INFO: url.pathname,
    QUERY_STRING: url.search.slice(1),
    X_FULL_URL: `http://${request.headers?.host ?? 'localhost'}${url.pathname}${url.search}`,
    SCRIPT_NAME: `/${moduleName}`,
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'coldlab-wasm',
    GATEWAY_INTERFACE: 'CGI/1.1',
    CONTENT_LENGTH: String(request.body?.length ?? 0),
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    if (name === 'content-type') env.CONTENT_TYPE = text;
    else if (name !== 'content-length') env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = text;
  }
  return env;
}

/** WAGI passes the query's parameters as argv after the module name too. */
export function wagiArgs(request, moduleName) {
  const url = new URL(request.url ?? '/', 'http://function');
  return [moduleName, ...[...url.searchParams].map(([k, v]) => (v === '' ? k : `${k}=${v}`))];
}

/**
 * Splits stdout into status, headers and body. Returns { error } when the output breaks the convention:
 * no blank line after the headers, or neither content-type nor location.
 */
export function parseWagiOutput(bytes) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = buffer.indexOf('\n\n');
  let skip = 2;
  const crlf = buffer.indexOf('\r\n\r\n');
  if (crlf >= 0 && (end < 0 || crlf < end)) {
    end = crlf;
    skip = 4;
  }
  if (end < 0) return { error: `no blank line ends the headers (stdout began ${JSON.stringify(buffer.subarray(0, 60).toString('utf8'))})` };
  const headers = {};
  let status = 200;
  for (const line of buffer.subarray(0, end).toString('utf8').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `malformed header line ${JSON.stringify(line)}` };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  if (!(status >= 100 && status <= 599)) return { error: `invalid status header (${status})` };
  if (headers['content-type'] === undefined && headers.location === undefined) {
    return { error: 'the response has no content-type header (WAGI needs content-type or location)' };
  }
  if (headers.location !== undefined && status === 200) status = 302;
  return { status, headers, body: buffer.subarray(end + skip) };
}
