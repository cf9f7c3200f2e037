/** A page of a list: zero-based page number and page size (already clamped by the caller). */
export interface PageQuery {
  page: number;
  perPage: number;
}
