/** A store the service needs that cannot be reached right now.
 *
 * Each resource says which of its driver's errors mean that (`Resource.isOutage`, built on
 * `causes` and `unreachable` here). A request that meets one answers 503 with Retry-After in the
 * API's own error format (`UnavailableError`: a problem document, a GraphQL error coded
 * UNAVAILABLE, gRPC's UNAVAILABLE), and the outage is logged twice in all: once when it begins,
 * once when the resource answers again, however many requests and readiness checks meet it in
 * between. */
import type { FastifyBaseLogger } from "fastify";

import { AppError, UnavailableError } from "./problems.js";
import type { Resource } from "./resources.js";
import type { ItemService } from "./schemas/items.js";

/** An error as drivers throw them: Node.js's network errors carry a `code`. */
export type Cause = Error & { code?: unknown };

// How Node.js reports a server that refused, dropped or never answered a connection, or a host
// name that does not resolve (yet).
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/** The error and the errors behind it, outermost first: its `cause` chain, and the errors an
 * AggregateError holds (Node.js tries each address of a host name in turn). */
export function causes(error: unknown): Cause[] {
  const found: Cause[] = [];
  const queue = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (!(next instanceof Error) || found.includes(next)) continue;
    found.push(next);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
    queue.push(next.cause);
  }
  return found;
}

/** True when the error, or one behind it, is a network failure, or one `own` recognises (what a
 * driver reports in its own words). */
export function unreachable(error: unknown, own: (cause: Cause) => boolean = () => false): boolean {
  return causes(error).some(
    (cause) => (typeof cause.code === "string" && NETWORK_CODES.has(cause.code)) || own(cause),
  );
}

/** What failed, in one line for the log: the innermost error, where the driver says it. */
function summary(error: unknown): string {
  const cause = causes(error).at(-1);
  return cause ? `${cause.name}: ${cause.message}` : String(error);
}

/** Which resources are down, as requests and readiness checks find out; each outage is logged
 * as it begins and as it ends, and nothing in between. */
export class Outages {
  private readonly down = new Set<Resource>();
  private readonly checking = new Set<Resource>();

  constructor(
    private readonly resources: readonly Resource[],
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The error as an UnavailableError when it is a resource's outage, else as it was. The
   * resource is checked again (a driver that reconnects only when asked, as MongoDB's after a
   * failed first connection, then comes back without waiting for /readyz). */
  classify(error: unknown): unknown {
    if (error instanceof AppError) return error;
    const resource = this.resources.find((candidate) => candidate.isOutage?.(error) === true);
    if (!resource) return error;
    this.failed(resource, error);
    this.recheck();
    return new UnavailableError({ cause: error });
  }

  /** The resource failed: logged, with no stack trace, if this begins an outage. */
  failed(resource: Resource, error: unknown): void {
    if (this.down.has(resource)) return;
    this.down.add(resource);
    this.log.warn({ resource: resource.name, error: summary(error) }, "store unavailable");
  }

  /** The resource answered: logged if this ends an outage. */
  recovered(resource: Resource): void {
    if (!this.down.delete(resource)) return;
    this.log.info({ resource: resource.name }, "store available again");
  }

  /** Each resource that is down is checked again, one check at a time each: after a request
   * succeeded (it may not have needed the resource), or failed on it. */
  recheck(): void {
    for (const resource of this.down) {
      if (this.checking.has(resource)) continue;
      this.checking.add(resource);
      void resource
        .ping()
        .then(
          () => {
            this.recovered(resource);
          },
          () => undefined,
        )
        .finally(() => this.checking.delete(resource));
    }
  }

  /** The item use cases, their failures that are a store's outage turned into UnavailableError
   * (which every API type answers in its own format), their successes checking the stores that
   * were down. */
  guard(service: ItemService): ItemService {
    const call = async <T>(work: Promise<T>): Promise<T> => {
      try {
        const result = await work;
        this.recheck();
        return result;
      } catch (error) {
        throw this.classify(error);
      }
    };
    return {
      list: (filter) => call(service.list(filter)),
      get: (id) => call(service.get(id)),
      create: (data) => call(service.create(data)),
      update: (id, changes) => call(service.update(id, changes)),
      delete: (id) => call(service.delete(id)),
    };
  }
}
