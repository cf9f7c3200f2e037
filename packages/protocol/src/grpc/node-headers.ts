// Between Node's HTTP/2 header objects and the Fetch API's Headers, which Connect's interfaces
// use. Only slow paths convert: errors, Connect's handlers, and headers a caller asks for.
import type {
  IncomingHttpHeaders,
  IncomingHttpStatusHeader,
  OutgoingHttpHeaders,
} from "node:http2";

/** The content type of every call: gRPC with protobuf messages. */
export const grpcContentType = "application/grpc+proto";

/** Response headers as Node gives them: the status as a number. */
export type ResponseHeaders = IncomingHttpHeaders & IncomingHttpStatusHeader;

/** HTTP/2 headers as a Headers object, pseudo-headers left out. */
export function webHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined) {
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      result.append(name, item);
    }
  }
  return result;
}

/** Adds the fields of a Headers object to Node's header object. */
export function addWebHeaders(target: OutgoingHttpHeaders, headers: Headers | undefined): void {
  headers?.forEach((value, name) => {
    target[name] = value;
  });
}
