// A message with every field set to a value that differs from its default (and, through the
// seed, from other messages). Round-trip tests compare such messages whole, so a field the
// store forgets comes back as its default and fails the comparison.
import {
  create,
  type DescField,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
  ScalarType,
} from "@bufbuild/protobuf";

export function filledMessage<Desc extends DescMessage>(
  desc: Desc,
  seed = 1,
  depth = 0,
): MessageShape<Desc> {
  const init: Record<string, unknown> = {};
  for (const field of desc.fields) {
    init[field.localName] = valueFor(field, seed, depth);
  }
  return create(desc, init as MessageInitShape<Desc>);
}

function valueFor(field: DescField, seed: number, depth: number): unknown {
  switch (field.fieldKind) {
    case "scalar":
      switch (field.scalar) {
        case ScalarType.STRING:
          return `${field.name} ${seed} ✓`;
        case ScalarType.BOOL:
          return true;
        case ScalarType.INT32:
          return 1000 * seed + field.number;
        case ScalarType.INT64:
          // Above 2^53, so a store that reads integers as JS numbers would round it.
          return 9_007_199_254_740_993n + BigInt(1000 * seed + field.number);
      }
      break;
    case "map":
      return { [`${field.name}-${seed}`]: "first", "ключ 🔑": `${seed}` };
    case "list":
      if (field.listKind === "message") {
        // A message that contains itself (a tree) stops two levels down.
        return depth < 2 ? [filledMessage(field.message, seed + 1, depth + 1)] : [];
      }
      return [`${field.name}-${seed}`, "second", ""];
    case "message":
      if (field.message.typeName === "google.protobuf.Struct") {
        return {
          seed,
          text: "héllo 👋",
          fraction: 1.5,
          negative: -3,
          largest: Number.MAX_SAFE_INTEGER,
          flag: false,
          nothing: null,
          list: [1, "two", { three: [true, null] }, []],
          nested: { deeper: { deepest: "x" }, empty: {} },
        };
      }
      return filledMessage(field.message, seed + 1, depth + 1);
  }
  throw new Error(`filledMessage: no filler for ${field.parent.typeName}.${field.name}`);
}
