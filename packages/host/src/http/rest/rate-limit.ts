// Request rate limits on the REST API, after Mattermost's RateLimitSettings (app/ratelimit.go):
// a token bucket per client, MaxBurst + 1 requests at once and PerSec more each second, the
// client being the remote address or, with VaryByUser, the logged-in user. Every limited
// response carries X-RateLimit-Limit, -Remaining and -Reset (seconds until the bucket is full);
// a refused one is 429 with Retry-After. The login route has its own limit, on by default,
// so that guessing passwords is slow even where the API's limit is off (as it is by default).
import type { IncomingMessage, ServerResponse } from "node:http";
import { Code } from "@connectrpc/connect";
import { PluginAPIError } from "@plugwire/errors";

/** One limit, as Mattermost's RateLimitSettings name its parts. */
export interface RateLimitSettings {
  /** Requests each client may make per second, sustained. */
  perSec: number;
  /** Requests beyond perSec a client may make at once. */
  maxBurst: number;
  /** Clients told apart by remote address. Default true. */
  varyByRemoteAddr?: boolean;
  /** Clients told apart by logged-in user (the address for requests without one). Default false. */
  varyByUser?: boolean;
  /** Clients remembered at most; the least recently seen are forgotten first. Default 10,000. */
  memoryStoreSize?: number;
}

/** The REST server's limits; `undefined` or `false` turns one off. */
export interface RestRateLimits {
  /** Every /api/v4 request. Default off, as Mattermost's RateLimitSettings.Enable. */
  api?: RateLimitSettings | false;
  /** POST /api/v4/users/login, per remote address. Default DEFAULT_LOGIN_RATE_LIMIT. */
  login?: RateLimitSettings | false;
}

/** Ten logins at once from one address, then two a second. */
export const DEFAULT_LOGIN_RATE_LIMIT: RateLimitSettings = { perSec: 2, maxBurst: 10 };

const LOGIN_PATH = "/api/v4/users/login";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** One limit's buckets. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {
    if (!(settings.perSec > 0) || !(settings.maxBurst >= 0)) {
      throw new RangeError(
        `a rate limit needs perSec above 0 and maxBurst of 0 or more (got ${settings.perSec} and ${settings.maxBurst})`,
      );
    }
    this.capacity = settings.maxBurst + 1;
  }

  /** Takes one request from `client`'s bucket; says whether it may go and what the headers say. */
  take(client: string): { allowed: boolean; headers: Record<string, string> } {
    const now = this.now();
    const { perSec, memoryStoreSize = 10_000 } = this.settings;
    const bucket = this.buckets.get(client) ?? { tokens: this.capacity, updatedAt: now };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSec,
    );
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // Re-inserted, so the Map's order is least recently seen first.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > memoryStoreSize) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    const headers: Record<string, string> = {
      "x-ratelimit-limit": String(this.capacity),
      "x-ratelimit-remaining": String(Math.floor(bucket.tokens)),
      "x-ratelimit-reset": String(Math.ceil((this.capacity - bucket.tokens) / perSec)),
    };
    if (!allowed) headers["retry-after"] = String(Math.ceil((1 - bucket.tokens) / perSec));
    return { allowed, headers };
  }
}

/** The limiters of one REST server. */
export class RestRateLimiter {
  private readonly api: RateLimiter | undefined;
  private readonly login: RateLimiter | undefined;

  constructor(limits: RestRateLimits = {}, now?: () => number) {
    this.api = limits.api ? new RateLimiter(limits.api, now) : undefined;
    const login = limits.login ?? (limits.login === false ? undefined : DEFAULT_LOGIN_RATE_LIMIT);
    this.login = login ? new RateLimiter(login, now) : undefined;
  }

  /**
   * Counts the request against the limits that apply, sets their headers, and throws a 429
   * error when one is exceeded. `userId` is the logged-in user's, if any.
   */
  check(req: IncomingMessage, res: ServerResponse, path: string, userId: string | undefined) {
    const address = req.socket.remoteAddress ?? "";
    if (this.login !== undefined && path === LOGIN_PATH && req.method === "POST") {
      this.apply(this.login, clientKey(this.login.settings, address, undefined), res);
    }
    if (this.api !== undefined) {
      this.apply(this.api, clientKey(this.api.settings, address, userId), res);
    }
  }

  private apply(limiter: RateLimiter, client: string, res: ServerResponse): void {
    const { allowed, headers } = limiter.take(client);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (!allowed) {
      throw new PluginAPIError(
        {
          id: "api.context.rate_limit_exceeded.app_error",
          message: `Too many requests: at most ${limiter.settings.perSec} a second (${limiter.settings.maxBurst} more at once). Try again in ${headers["retry-after"]} s.`,
          statusCode: 429,
        },
        Code.ResourceExhausted,
      );
    }
  }
}

function clientKey(settings: RateLimitSettings, address: string, userId: string | undefined) {
  if (settings.varyByUser && userId !== undefined) return `user:${userId}`;
  return settings.varyByRemoteAddr === false ? "all" : `addr:${address}`;
}
