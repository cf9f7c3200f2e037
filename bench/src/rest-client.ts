// A keep-alive HTTP client for the REST figures, in this process: both sides of a comparison
// pay for it alike.
import * as http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface RestAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request; resolves with the whole answer. */
export function restCall(
  url: string,
  method: string,
  body?: unknown,
  token?: string,
): Promise<RestAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {};
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = Buffer.byteLength(payload);
  }
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      response.once("error", reject);
    });
    request.once("error", reject);
    request.end(payload);
  });
}
