// The WHERE and ORDER BY of getFileInfos, written once for both stores: only how a list of ids
// is matched differs (`listMatch` gives the SQL testing a column against a named list).
import type { FileInfoQuery } from "./file-info-store.js";

export interface FileInfoSql {
  where: string;
  orderBy: string;
  params: Record<string, unknown>;
}

export function fileInfoSql(
  query: FileInfoQuery,
  listMatch: (column: string, param: string) => string,
  encodeList: (values: readonly string[]) => unknown,
): FileInfoSql {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.userIds.length > 0) {
    conditions.push(listMatch('"creator_id"', "userIds"));
    params.userIds = encodeList(query.userIds);
  }
  if (query.channelIds.length > 0) {
    conditions.push(listMatch('"channel_id"', "channelIds"));
    params.channelIds = encodeList(query.channelIds);
  }
  if (query.since > 0n) {
    conditions.push(`"create_at" >= @since`);
    params.since = query.since;
  }
  if (!query.includeDeleted) conditions.push(`"delete_at" = 0`);
  const direction = query.sortDescending ? "DESC" : "ASC";
  return {
    where: conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "",
    orderBy: `ORDER BY "${query.sortBy}" ${direction}, "id" ${direction}`,
    params,
  };
}
