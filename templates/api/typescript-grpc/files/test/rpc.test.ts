/** items.v1.ItemService, health and reflection, called by a real gRPC client over loopback. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import {
  create as createMessage,
  createFileRegistry,
  fromBinary,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import {
  Client,
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  status,
  type ClientDuplexStream,
  type ServiceClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import type { FastifyInstance } from "fastify";
import { service as healthService } from "grpc-health-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  ItemServiceClient,
  type CreateItemRequest,
  type Item,
  type ListItemsRequest,
  type ListItemsResponse,
  type UpdateItemRequest,
} from "../src/gen/items/v1/items.js";
import { pageToken, toStatus } from "../src/rpc/items.js";
import { itAcrossOutage, startApp, testConfig, UNAVAILABLE } from "./helpers.js";
import { emptyItems } from "./store.js";

let app: FastifyInstance;
let client: ItemServiceClient;
let address: string;

beforeAll(async () => {
  app = await startApp(testConfig({ grpcPort: 0 }));
  await app.ready();
  address = `127.0.0.1:${String(app.grpcPort)}`;
  client = new ItemServiceClient(address, credentials.createInsecure());
});
beforeEach(async () => {
  await emptyItems(app);
});
afterAll(async () => {
  client.close();
  await app.close();
});

/** A unary call as a promise. */
function call<Response>(
  start: (callback: (error: ServiceError | null, response: Response) => void) => unknown,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    start((error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
  });
}

const create = (request: CreateItemRequest) =>
  call<Item>((done) => client.createItem(request, done));
const get = (id: number) => call<Item>((done) => client.getItem({ id }, done));
const update = (request: UpdateItemRequest) =>
  call<Item>((done) => client.updateItem(request, done));
const remove = (id: number) => call<object>((done) => client.deleteItem({ id }, done));
const list = (request: Partial<ListItemsRequest>) =>
  call<ListItemsResponse>((done) =>
    client.listItems({ pageSize: 0, pageToken: "", nameContains: "", ...request }, done),
  );

function stream(nameContains = ""): Promise<Item[]> {
  return new Promise((resolve, reject) => {
    const items: Item[] = [];
    client
      .streamItems({ nameContains })
      .on("data", (item: Item) => items.push(item))
      .on("end", () => {
        resolve(items);
      })
      .on("error", reject);
  });
}

/** The status code the call failed with; undefined if it succeeded. */
async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as ServiceError).code;
  }
  return undefined;
}

describe("items.v1.ItemService", () => {
  it("creates an item and gets it back", async () => {
    const item = await create({ name: " Lamp ", description: "Bright." });
    expect(item).toMatchObject({ name: "Lamp", description: "Bright." });
    expect(item.createTime).toBeInstanceOf(Date);
    expect(await get(item.id)).toEqual(item);
    expect((await create({ name: "Desk" })).description).toBeUndefined();
  });

  it("answers a taken name with ALREADY_EXISTS", async () => {
    await create({ name: "Lamp" });
    expect(await codeOf(create({ name: "Lamp" }))).toBe(status.ALREADY_EXISTS);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: "ok", description: "d".repeat(1001) }, "description"],
  ])("answers %j with INVALID_ARGUMENT naming %s", async (request, field) => {
    const error = await create(request).then(
      () => undefined,
      (failure: unknown) => failure as ServiceError,
    );
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(new RegExp(`^/${field} `));
  });

  it("answers a missing item with NOT_FOUND", async () => {
    expect(await codeOf(get(999_999))).toBe(status.NOT_FOUND);
  });

  it("changes only the fields set", async () => {
    const item = await create({ name: "Lamp", description: "Old." });
    const updated = await update({ id: item.id, description: "New.", clearDescription: false });
    expect(updated).toMatchObject({ name: "Lamp", description: "New." });
    const renamed = await update({ id: item.id, name: "Desk lamp", clearDescription: false });
    expect(renamed).toMatchObject({ name: "Desk lamp", description: "New." });
    const cleared = await update({ id: item.id, clearDescription: true });
    expect(cleared.description).toBeUndefined();
  });

  it("answers update errors with their codes", async () => {
    await create({ name: "Lamp" });
    const desk = await create({ name: "Desk" });
    const id = desk.id;
    expect(await codeOf(update({ id, name: "Lamp", clearDescription: false }))).toBe(
      status.ALREADY_EXISTS,
    );
    expect(await codeOf(update({ id: 999_999, name: "x", clearDescription: false }))).toBe(
      status.NOT_FOUND,
    );
    expect(await codeOf(update({ id, description: "x", clearDescription: true }))).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await codeOf(update({ id, name: "", clearDescription: false }))).toBe(
      status.INVALID_ARGUMENT,
    );
  });

  it("deletes an item once", async () => {
    const item = await create({ name: "Gone" });
    await remove(item.id);
    expect(await codeOf(remove(item.id))).toBe(status.NOT_FOUND);
  });

  it("pages through the items with the tokens", async () => {
    const made: number[] = [];
    for (let n = 0; n < 5; n += 1) made.push((await create({ name: `page-${String(n)}` })).id);
    const seen: number[] = [];
    let token = "";
    let pages = 0;
    for (;;) {
      const page = await list({ pageSize: 2, pageToken: token });
      expect(page.totalSize).toBe(5);
      seen.push(...page.items.map((item) => item.id));
      pages += 1;
      if (page.nextPageToken === "") break;
      token = page.nextPageToken;
    }
    expect([pages, seen]).toEqual([3, made]);
  });

  it("filters by name", async () => {
    await create({ name: "Desk lamp" });
    await create({ name: "Chair" });
    const page = await list({ nameContains: "LAMP" });
    expect(page.items.map((item) => item.name)).toEqual(["Desk lamp"]);
    expect(page.nextPageToken).toBe("");
  });

  it.each([
    { pageSize: 101 },
    { pageSize: -1 },
    { pageToken: "not-a-token" },
    { pageToken: pageToken(0).replace("b2Zm", "eHh4") },
    { pageToken: Buffer.from("offset").toString("base64url") },
    { pageToken: Buffer.from("offset:ten").toString("base64url") },
    { nameContains: "x".repeat(101) },
  ])("answers %j with INVALID_ARGUMENT", async (request) => {
    expect(await codeOf(list(request))).toBe(status.INVALID_ARGUMENT);
  });

  it("streams every matching item", async () => {
    const lamps: number[] = [];
    for (let n = 0; n < 3; n += 1) lamps.push((await create({ name: `lamp ${String(n)}` })).id);
    await create({ name: "Chair" });
    expect((await stream("lamp")).map((item) => item.id)).toEqual(lamps);
    expect(await stream()).toHaveLength(4);
    expect(await codeOf(stream("x".repeat(101)))).toBe(status.INVALID_ARGUMENT);
  });

  it("answers a failure of the server with INTERNAL and no detail", () => {
    expect(toStatus(new Error("password=x"))).toEqual({
      code: status.INTERNAL,
      details: "Internal server error.",
    });
  });
});

describe("a failure of the server", () => {
  it("is answered with INTERNAL and no detail, and logged", async () => {
    const broken = await startApp(testConfig({ grpcPort: 0 }));
    await broken.ready();
    await broken.resources.database.close();
    const other = new ItemServiceClient(
      `127.0.0.1:${String(broken.grpcPort)}`,
      credentials.createInsecure(),
    );
    const failure = await new Promise<ServiceError | null>((resolve) => {
      other.getItem({ id: 1 }, (error) => {
        resolve(error);
      });
    });
    const streamed = await new Promise<ServiceError>((resolve) => {
      other.streamItems({ nameContains: "" }).on("error", resolve);
    });
    other.close();
    await broken.close();
    for (const error of [failure, streamed]) {
      expect(error?.code).toBe(status.INTERNAL);
      expect(error?.details).toBe("Internal server error.");
    }
  });
});

describe("the gRPC server", () => {
  it("does not start on a port another server holds", async () => {
    const second = await startApp(testConfig({ grpcPort: app.grpcPort }));
    try {
      await expect(second.ready()).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await second.close();
    }
  });
});

describe("health", () => {
  it("reports SERVING for the server and the item service", async () => {
    const Health = makeGenericClientConstructor(healthService, "Health");
    const health = new Health(address, credentials.createInsecure()) as unknown as Client & {
      check: (
        request: { service: string },
        callback: (error: ServiceError | null, response: { status: string }) => void,
      ) => void;
    };
    const check = (service: string) =>
      new Promise<string>((resolve, reject) => {
        health.check({ service }, (error, response) => {
          if (error) reject(error);
          else resolve(response.status);
        });
      });
    expect(await check("")).toBe("SERVING");
    expect(await check("items.v1.ItemService")).toBe("SERVING");
    expect(await codeOf(check("nope"))).toBe(status.NOT_FOUND);
    health.close();
  });
});

type Version = "v1" | "v1alpha";

/** What a reflection request is answered with (the fields these tests read). */
interface ReflectionAnswer {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** One request to the server's reflection service at `version`, through a client made from the
 * reflection protos @grpc/reflection ships (both versions). */
async function reflect(version: Version, request: object): Promise<ReflectionAnswer> {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  const file = join(root, "grpc", "reflection", version, "reflection.proto");
  const loaded = loadPackageDefinition(loadSync(file, { includeDirs: [root] })) as unknown as {
    grpc: { reflection: Record<Version, { ServerReflection: ServiceClientConstructor }> };
  };
  const Reflection = loaded.grpc.reflection[version].ServerReflection;
  const reflector = new Reflection(address, credentials.createInsecure()) as unknown as Client & {
    serverReflectionInfo: () => ClientDuplexStream<object, ReflectionAnswer>;
  };
  try {
    return await new Promise<ReflectionAnswer>((resolve, reject) => {
      const exchange = reflector.serverReflectionInfo();
      exchange.on("data", (answer: ReflectionAnswer) => {
        resolve(answer);
        exchange.end();
      });
      exchange.on("error", reject);
      exchange.write(request);
    });
  } finally {
    reflector.close();
  }
}

/** What a client with no copy of the .proto does (grpcurl, Postman): it asks reflection for
 * the file declaring the service, then for each file that one imports, by name, and builds the
 * descriptors from those files alone (createFileRegistry refuses an import it cannot resolve
 * or a type no imported file declares). */
async function descriptorsFromReflection(version: Version) {
  const files = new Map<string, FileDescriptorProto>();
  const keep = (answer: ReflectionAnswer) => {
    for (const bytes of answer.fileDescriptorResponse?.fileDescriptorProto ?? []) {
      const file = fromBinary(FileDescriptorProtoSchema, bytes);
      files.set(file.name, file);
    }
  };
  keep(await reflect(version, { fileContainingSymbol: "items.v1.ItemService" }));
  const [served] = files.values();
  if (served === undefined) throw new Error("reflection sent no file for items.v1.ItemService");
  for (const name of served.dependency) {
    keep(await reflect(version, { fileByFilename: name }));
  }
  return { file: served, registry: createFileRegistry(served, (name) => files.get(name)) };
}

describe.each<Version>(["v1", "v1alpha"])("reflection (grpc.reflection.%s)", (version) => {
  it("lists the services", async () => {
    const answer = await reflect(version, { listServices: "" });
    const names = answer.listServicesResponse?.service.map((service) => service.name);
    expect(names).toEqual(
      expect.arrayContaining(["items.v1.ItemService", "grpc.health.v1.Health"]),
    );
  });

  it("serves the real files, with their imports", async () => {
    const { file, registry } = await descriptorsFromReflection(version);
    expect(file.name).toBe("items/v1/items.proto");
    expect(file.dependency).toEqual([
      "google/protobuf/empty.proto",
      "google/protobuf/timestamp.proto",
    ]);
    const item = registry.getMessage("items.v1.Item");
    expect(item?.field.createTime?.message?.typeName).toBe("google.protobuf.Timestamp");
    const missing = await reflect(version, { fileByFilename: "items_v1.proto" });
    expect(missing.errorResponse?.errorCode).toBe(status.NOT_FOUND);
  });

  it("is enough to call the service", async () => {
    const { registry } = await descriptorsFromReflection(version);
    const method = registry
      .getService("items.v1.ItemService")
      ?.methods.find((candidate) => candidate.name === "CreateItem");
    if (method === undefined) throw new Error("no CreateItem in the reflected service");
    const caller = new Client(address, credentials.createInsecure());
    const item = await call<unknown>((done) =>
      caller.makeUnaryRequest(
        `/items.v1.ItemService/${method.name}`,
        (request: Parameters<typeof toBinary>[1]) => Buffer.from(toBinary(method.input, request)),
        (bytes: Buffer) => toJson(method.output, fromBinary(method.output, bytes), { registry }),
        createMessage(method.input, { name: `Reflected ${version}` }),
        done,
      ),
    );
    caller.close();
    expect(item).toMatchObject({
      name: `Reflected ${version}`,
      createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
  });
});

describe("a database outage", () => {
  /** ListItems on the app's own gRPC port. */
  const listOn = async (app: FastifyInstance) => {
    await app.ready();
    const other = new ItemServiceClient(
      `127.0.0.1:${String(app.grpcPort)}`,
      credentials.createInsecure(),
    );
    try {
      return await call<ListItemsResponse>((done) =>
        other.listItems({ pageSize: 0, pageToken: "", nameContains: "" }, done),
      );
    } finally {
      other.close();
    }
  };
  itAcrossOutage(
    "is UNAVAILABLE, logged once",
    "database",
    async (app) => {
      for (const attempt of [1, 2]) {
        const error = await listOn(app).then(
          () => undefined,
          (failure: unknown) => failure as ServiceError,
        );
        expect(error, `attempt ${String(attempt)}`).toMatchObject({
          code: status.UNAVAILABLE,
          details: UNAVAILABLE,
        });
      }
    },
    async (app) => {
      await expect
        .poll(async () => (await codeOf(listOn(app))) ?? "OK", { timeout: 5_000 })
        .toBe("OK");
    },
    { grpcPort: 0 },
  );
});
