// A call's gRPC status as header fields: `grpc-status`, `grpc-message` and
// `grpc-status-details-bin` (a google.rpc.Status carrying the error's details), written by the
// server at the end of a call and read back into a ConnectError by the client. The fields and
// their encoding are gRPC's, so Connect's peers read ours and we read theirs (lean-grpc.spec.ts
// runs every error across both).
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, decodeBinaryHeader, encodeBinaryHeader } from "@connectrpc/connect";

const statusField = "grpc-status";
const messageField = "grpc-message";
const detailsField = "grpc-status-details-bin";
const typeUrlPrefix = "type.googleapis.com/";

/** An error's details as they travel: a type name and the detail message's bytes. */
interface WireDetail {
  type: string;
  value: Uint8Array;
}

/**
 * The header fields that say a call ended with `error` (its metadata first, then the status),
 * or with OK when it is undefined.
 */
export function statusFields(error: ConnectError | undefined): Headers {
  const fields = new Headers();
  if (error === undefined) {
    fields.set(statusField, "0");
    return fields;
  }
  error.metadata.forEach((value, name) => {
    fields.append(name, value);
  });
  fields.set(statusField, String(error.code));
  fields.set(messageField, encodeURIComponent(error.rawMessage));
  if (error.details.length > 0) {
    const details = error.details.map(
      (detail): WireDetail =>
        "desc" in detail
          ? {
              type: detail.desc.typeName,
              value: toBinary(detail.desc, create(detail.desc, detail.value)),
            }
          : { type: detail.type, value: detail.value },
    );
    fields.set(
      detailsField,
      encodeBinaryHeader(encodeStatus(error.code, error.rawMessage, details)),
    );
  }
  return fields;
}

/**
 * The error the status fields of a response's head or trailers describe; undefined when they
 * say OK or hold no status. The details field, when present, takes precedence.
 */
export function statusError(fields: Headers): ConnectError | undefined {
  const detailsValue = fields.get(detailsField);
  if (detailsValue !== null) {
    const status = decodeStatus(decodeBinaryHeader(detailsValue));
    if (status.code === 0) {
      return undefined;
    }
    const error = new ConnectError(status.message, status.code, fields);
    error.details = status.details;
    return error;
  }
  const code = fields.get(statusField);
  if (code === null || code === "0") {
    return undefined;
  }
  const number = Number.parseInt(code, 10);
  if (!(number in Code)) {
    return new ConnectError(`invalid grpc-status: ${code}`, Code.Internal, fields);
  }
  return new ConnectError(decodeURIComponent(fields.get(messageField) ?? ""), number, fields);
}

// google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
// google.protobuf.Any { string type_url = 1; bytes value = 2; }
// Written as protobuf-es writes them: fields in number order, empty values left out.

function encodeStatus(code: number, message: string, details: WireDetail[]): Uint8Array {
  const writer = new BinaryWriter();
  if (code !== 0) {
    writer.tag(1, WireType.Varint).int32(code);
  }
  if (message !== "") {
    writer.tag(2, WireType.LengthDelimited).string(message);
  }
  for (const detail of details) {
    writer.tag(3, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).string(typeUrlPrefix + detail.type);
    if (detail.value.byteLength > 0) {
      writer.tag(2, WireType.LengthDelimited).bytes(detail.value);
    }
    writer.join();
  }
  return writer.finish();
}

function decodeStatus(bytes: Uint8Array): { code: number; message: string; details: WireDetail[] } {
  try {
    const reader = new BinaryReader(bytes);
    const status = { code: 0, message: "", details: [] as WireDetail[] };
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1 && wireType === WireType.Varint) {
        status.code = reader.int32();
      } else if (field === 2 && wireType === WireType.LengthDelimited) {
        status.message = reader.string();
      } else if (field === 3 && wireType === WireType.LengthDelimited) {
        status.details.push(decodeAny(reader.bytes()));
      } else {
        reader.skip(wireType, field);
      }
    }
    return status;
  } catch (reason) {
    throw ConnectError.from(reason, Code.DataLoss);
  }
}

function decodeAny(bytes: Uint8Array): WireDetail {
  const reader = new BinaryReader(bytes);
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array(0);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) {
      typeUrl = reader.string();
    } else if (field === 2 && wireType === WireType.LengthDelimited) {
      value = reader.bytes();
    } else {
      reader.skip(wireType, field);
    }
  }
  return { type: typeUrl.substring(typeUrl.lastIndexOf("/") + 1), value };
}
