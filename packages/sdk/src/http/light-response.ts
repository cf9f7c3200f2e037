// A Response that keeps what it was made from. On Node 20 every Fetch Response builds a web
// stream for its body (tens of µs, a native transferable object each), though the common
// answer of a plugin route is a string, JSON or bytes that the SDK sends whole. This Response
// keeps [status, headers, body] for those bodies and makes the real one only when a member it
// does not keep is touched (body, text(), clone(), …), so the writer sends the kept body
// without a stream ever being made. Any other body (a stream, a Blob, form data) makes the real
// Response at once. Importing the SDK installs it as the global Response (fetch-globals.ts).

import { delegateMembers } from "./delegate-members.js";
import { defineLazyGlobal, nativeResponseClass } from "./native-fetch.js";

type ResponseBody = ConstructorParameters<typeof Response>[0];

/** What a kept answer holds: status, headers and the body as given. */
export interface KeptAnswer {
  status: number;
  statusText: string;
  /** The headers given, made only when some were given or they are asked for. */
  headers: Headers | undefined;
  /** The content type the body implies when the headers do not give one. */
  contentType: string | undefined;
  /** Bytes are a copy, as the runtime's Response copies them. */
  body: string | Uint8Array | null;
}

const kept = Symbol("plugwire.keptAnswer");
const nativeOf = Symbol("plugwire.nativeResponse");

/** Statuses whose response must have no body (the Fetch standard's null body statuses). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** A reason phrase the Fetch standard accepts. */
const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;

interface LightResponseFields {
  [kept]?: KeptAnswer;
  [nativeOf]?: Response;
}

/**
 * Made as `new Response(body, init)` or `Response.json(data, init)`; is an instance of the
 * runtime's Response, and behaves as one: every member it does not keep makes the real Response
 * and answers from it.
 */
export class LightResponse {
  constructor(body?: ResponseBody, init?: ResponseInit, contentType?: string) {
    const self = this as LightResponseFields;
    const answer = keepable(body, init, contentType);
    if (answer === undefined) {
      // Validation, defaults and stream bodies exactly as the runtime does them.
      self[nativeOf] = new (nativeResponseClass())(body, init);
    } else {
      self[kept] = answer;
    }
  }

  /** Once installed as the global Response, the runtime's responses (fetch's) are Responses too. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof nativeResponseClass();
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data);
    if (text === undefined) {
      throw new TypeError("Response.json: the value is not JSON-serializable");
    }
    return new LightResponse(text, init, "application/json") as unknown as Response;
  }

  static redirect(url: string | URL, status = 302): Response {
    if (!redirectStatuses.has(status)) {
      throw new RangeError(`Response.redirect: ${status} is not a redirect status`);
    }
    return new LightResponse(null, {
      status,
      headers: { location: new URL(url).href },
    }) as unknown as Response;
  }

  static error(): Response {
    return nativeResponseClass().error();
  }

  get status(): number {
    return keptOf(this)?.status ?? nativeResponse(this).status;
  }

  get statusText(): string {
    return keptOf(this)?.statusText ?? nativeResponse(this).statusText;
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }

  /** What util.inspect (and so a test runner's messages) shows, without making the real one. */
  [Symbol.for("nodejs.util.inspect.custom")](): object {
    const answer = keptOf(this);
    return answer === undefined
      ? { response: nativeResponse(this) }
      : { status: answer.status, headers: keptHeaders(answer), body: answer.body };
  }

  get headers(): Headers {
    const answer = keptOf(this);
    return answer === undefined ? nativeResponse(this).headers : keptHeaders(answer);
  }
}

let linked = false;

/**
 * LightResponse, linked to the runtime's Response (its prototype and statics, every member it
 * does not keep) the first time it is asked for, which loads the runtime's Fetch classes.
 */
export function lightResponseClass(): typeof LightResponse {
  if (!linked) {
    const native = nativeResponseClass();
    delegateMembers(LightResponse.prototype, native.prototype, (self) =>
      nativeResponse(self as LightResponse),
    );
    Object.setPrototypeOf(LightResponse, native);
    linked = true;
  }
  return LightResponse;
}

/** The kept answer's headers as a Headers object, made now if they were not yet. */
export function keptHeaders(answer: KeptAnswer): Headers {
  if (answer.headers === undefined) {
    answer.headers = new Headers();
  }
  if (answer.contentType !== undefined) {
    if (!answer.headers.has("content-type")) {
      answer.headers.set("content-type", answer.contentType);
    }
    answer.contentType = undefined;
  }
  return answer.headers;
}

/** The kept answer of a Response that still has one, for a writer to send without streams. */
export function keptAnswer(response: Response): KeptAnswer | undefined {
  return keptOf(response);
}

/** Whether a value is a Response (the runtime's or a LightResponse). */
export function isResponse(value: unknown): value is Response {
  return value instanceof nativeResponseClass();
}

/** Makes LightResponse the global Response of this process, linked when first read. */
export function installLightResponse(): void {
  defineLazyGlobal("Response", lightResponseClass);
}

function keptOf(response: object): KeptAnswer | undefined {
  return (response as LightResponseFields)[kept];
}

/** The real Response, made from the kept answer the first time it is needed. */
function nativeResponse(response: LightResponse): Response {
  const self = response as LightResponseFields;
  let native = self[nativeOf];
  if (native === undefined) {
    const answer = self[kept] as KeptAnswer;
    native = new (nativeResponseClass())(answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: keptHeaders(answer),
    });
    self[nativeOf] = native;
    self[kept] = undefined;
  }
  return native;
}

/**
 * The answer to keep, or undefined when the runtime's Response must be made at once.
 * `contentType`: the type the body has unless the headers say otherwise (Response.json's).
 */
function keepable(
  body: ResponseBody,
  init: ResponseInit | undefined,
  contentType: string | undefined,
): KeptAnswer | undefined {
  if (body != null && typeof body !== "string" && !(body instanceof Uint8Array)) {
    return undefined;
  }
  const status = init?.status ?? 200;
  const statusText = init?.statusText ?? "";
  if (
    !Number.isInteger(status) ||
    status < 200 ||
    status > 599 ||
    (body != null && nullBodyStatuses.has(status)) ||
    !reasonPhrase.test(statusText)
  ) {
    return undefined;
  }
  // Headers given are made (and so checked) at once, as the runtime's Response does.
  const headers = init?.headers === undefined ? undefined : new Headers(init.headers);
  const implied =
    contentType ?? (typeof body === "string" ? "text/plain;charset=UTF-8" : undefined);
  const copy = body instanceof Uint8Array ? new Uint8Array(body) : (body ?? null);
  return { status, statusText, headers, contentType: implied, body: copy };
}
