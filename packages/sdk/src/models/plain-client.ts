// A Connect client whose answers are plain (see plain.ts) and whose requests take plain values:
// the one place the PluginAPI client's messages cross from protocol shape to plugin shape.
import type {
  DescMessage,
  DescMethodClientStreaming,
  DescMethodServerStreaming,
  DescMethodUnary,
  DescService,
  MessageShape,
} from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import { hasPlainConversion, type Plain, type PlainInit, plain } from "./plain.js";

type PlainMethod<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? (request: PlainInit<I>, options?: CallOptions) => Promise<Plain<MessageShape<O>>>
    : M extends DescMethodServerStreaming<infer I, infer O>
      ? (request: PlainInit<I>, options?: CallOptions) => AsyncIterable<Plain<MessageShape<O>>>
      : M extends DescMethodClientStreaming<infer I, infer O>
        ? (
            request: AsyncIterable<PlainInit<I>>,
            options?: CallOptions,
          ) => Promise<Plain<MessageShape<O>>>
        : never;

/** The methods of `S` taking plain requests and answering plain messages. */
export type PlainClient<S extends DescService> = {
  [K in keyof S["method"]]: PlainMethod<S["method"][K]>;
};

/** Wraps `client` (a Connect client of `service`) so that every answer is made plain. */
export function withPlainAnswers<S extends DescService>(
  client: Client<S>,
  service: S,
): PlainClient<S> {
  const calls = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrapped: Record<string, (...args: unknown[]) => unknown> = {};
  for (const method of service.methods) {
    const call = calls[method.localName]?.bind(client);
    if (call === undefined) continue;
    const output = method.output;
    if (!hasPlainConversion(output)) {
      wrapped[method.localName] = call;
    } else if (method.methodKind === "server_streaming") {
      wrapped[method.localName] = (...args) =>
        plainStream(output, call(...args) as AsyncIterable<never>);
    } else {
      wrapped[method.localName] = async (...args) => plain(output, (await call(...args)) as never);
    }
  }
  return wrapped as unknown as PlainClient<S>;
}

async function* plainStream<Desc extends DescMessage>(
  schema: Desc,
  answers: AsyncIterable<MessageShape<Desc>>,
): AsyncIterable<Plain<MessageShape<Desc>>> {
  for await (const answer of answers) yield plain(schema, answer);
}
