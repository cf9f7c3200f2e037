// What a store fills in on a record it creates, whatever the database: the fields the caller
// left empty get a new id, the creation time, and an update time of the creation.
import {
  create,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import { newId } from "./ids.js";

interface Identified {
  id: string;
  createAt: bigint;
  updateAt: bigint;
}

/** A copy of `record` with its empty id, create_at and update_at filled in. */
export function newRecord<Desc extends DescMessage>(
  schema: Desc,
  record: MessageShape<Desc> & Identified,
  now: bigint,
): MessageShape<Desc> {
  const createAt = record.createAt || now;
  const init = {
    ...record,
    id: record.id || newId(),
    createAt,
    updateAt: record.updateAt || createAt,
  };
  return create(schema, init as MessageInitShape<Desc>);
}
