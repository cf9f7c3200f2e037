// How a protocol message becomes a table row and back: one column per field, named as the
// field is in the .proto file. Both directions come from the message descriptor, so no field
// can be forgotten on one side; a field without a column makes the insert fail loudly.
import {
  create,
  type DescField,
  type DescMessage,
  fromJsonString,
  type MessageInitShape,
  type MessageShape,
  ScalarType,
  toJsonString,
} from "@bufbuild/protobuf";

/** A value as better-sqlite3 binds it or (with safe integers on) reads it. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** A row keyed by column name. */
export type Row = Record<string, SqlValue>;

interface ColumnCodec {
  encode(value: unknown): SqlValue;
  decode(value: SqlValue): unknown;
}

export interface RowCodec<Desc extends DescMessage> {
  /** The column names, in field order. */
  readonly columns: readonly string[];
  /** `"a", "b"`, for SELECT lists. */
  readonly columnList: string;
  /** `"a", "b"`, with each column prefixed by a table alias, for SELECTs with joins. */
  columnListOf(alias: string): string;
  /** `("a", "b") VALUES (@a, @b)`, for INSERTs binding a row from toRow. */
  readonly insertClause: string;
  /** `"a" = @a, "b" = @b`, for UPDATEs binding a row from toRow. */
  readonly assignments: string;
  toRow(message: MessageShape<Desc>): Row;
  fromRow(row: Row): MessageShape<Desc>;
}

const STRUCT = "google.protobuf.Struct";

const asIs: ColumnCodec = { encode: (value) => value as SqlValue, decode: (value) => value };
const boolean: ColumnCodec = {
  encode: (value) => (value ? 1 : 0),
  decode: (value) => value !== 0n && value !== 0,
};
const int32: ColumnCodec = { encode: (value) => value as number, decode: (value) => Number(value) };
const int64: ColumnCodec = {
  encode: (value) => value as bigint,
  decode: (value) => BigInt(value as bigint),
};
const json: ColumnCodec = {
  encode: (value) => JSON.stringify(value),
  decode: (value) => JSON.parse(value as string),
};
// An unset Struct stays unset (NULL) rather than coming back as an empty object.
const optionalJson: ColumnCodec = {
  encode: (value) => (value === undefined ? null : JSON.stringify(value)),
  decode: (value) => (value === null ? undefined : JSON.parse(value as string)),
};

function columnCodec(field: DescField): ColumnCodec {
  switch (field.fieldKind) {
    case "scalar":
      switch (field.scalar) {
        case ScalarType.STRING:
          return asIs;
        case ScalarType.BOOL:
          return boolean;
        case ScalarType.INT32:
          return int32;
        case ScalarType.INT64:
          return int64;
      }
      break;
    case "map":
      if (field.mapKey === ScalarType.STRING && field.scalar === ScalarType.STRING) {
        return json;
      }
      break;
    case "list":
      if (field.scalar === ScalarType.STRING) {
        return json;
      }
      break;
    case "message": {
      if (field.message.typeName === STRUCT) {
        return optionalJson;
      }
      // Any other message is its proto3 JSON; unset stays NULL.
      const desc = field.message;
      return {
        encode: (value) =>
          value === undefined ? null : toJsonString(desc, value as MessageShape<typeof desc>),
        decode: (value) => (value === null ? undefined : fromJsonString(desc, value as string)),
      };
    }
  }
  throw new Error(
    `${field.parent.typeName}.${field.name} has a type the SQLite store can't hold yet; teach row-codec.ts to store it and add a migration for its column`,
  );
}

const quote = (column: string) => `"${column}"`;

/** The codec of a message type's rows. */
export function rowCodec<Desc extends DescMessage>(desc: Desc): RowCodec<Desc> {
  const fields = desc.fields.map((field) => ({ field, codec: columnCodec(field) }));
  const columns = fields.map(({ field }) => field.name);
  return {
    columns,
    columnList: columns.map(quote).join(", "),
    columnListOf: (alias) => columns.map((column) => `${alias}.${quote(column)}`).join(", "),
    insertClause: `(${columns.map(quote).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    assignments: columns.map((column) => `${quote(column)} = @${column}`).join(", "),
    toRow(message) {
      const row: Row = {};
      const values = message as unknown as Record<string, unknown>;
      for (const { field, codec } of fields) {
        row[field.name] = codec.encode(values[field.localName]);
      }
      return row;
    },
    fromRow(row) {
      const init: Record<string, unknown> = {};
      for (const { field, codec } of fields) {
        init[field.localName] = codec.decode(row[field.name] ?? null);
      }
      return create(desc, init as MessageInitShape<Desc>);
    },
  };
}
