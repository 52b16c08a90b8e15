/** XML in and out: request documents read with every DTD refused and entity processing off,
 * held to the XSD's rules; answers built by fast-xml-parser's builder, which escapes every value.
 *
 * A document with a DTD never reaches the parser, so entity expansion ("billion laughs"),
 * external entities and external DTDs are a 400, as is XML that is not well-formed or holds
 * characters XML does not allow. A document the XSD's rules refuse is a 422. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Ajv } from "ajv";
import { XMLParser } from "fast-xml-parser";
import { SyntaxValidator } from "fast-xml-validator";
import XMLBuilder from "fast-xml-builder";
import type { Static, TSchema } from "typebox";

import { AppError, UnprocessableError } from "./problems.js";
import type { ItemPage, ItemRead } from "./schemas/items.js";

export const XML = "application/xml";
export const XML_TYPES = ["application/xml", "text/xml"];
const XSI = "http://www.w3.org/2001/XMLSchema-instance";
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
// Anything outside XML 1.0's Char production (C0 controls but tab, CR and LF, and the like).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export class BadRequestError extends AppError {
  override readonly status = 400;
}

export class NotAcceptableError extends AppError {
  override readonly status = 406;
}

/** The published XSD, from source (src/) and compiled (dist/src/) alike. */
export function schemaFile(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "xsd", "items.xsd");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no xsd/items.xsd above ${from}`);
  }
}

/**
 * The q an Accept header gives `mediaType`: that of the most specific range matching it (RFC
 * 9110, 12.5.1), so "application/xml;q=0" refuses XML even beside a wildcard with a higher q.
 * 0 if no range matches; a range whose q is not a number from 0 to 1 is ignored.
 */
export function quality(accept: string, mediaType: string): number {
  const specificity = new Map([
    [mediaType, 2],
    [`${mediaType.split("/")[0] ?? ""}/*`, 1],
    ["*/*", 0],
  ]);
  let best = -1;
  let found = 0;
  for (const entry of accept.split(",")) {
    const [range = "", ...params] = entry.split(";").map((part) => part.trim());
    const rank = specificity.get(range.toLowerCase());
    if (rank === undefined || rank < best) continue;
    let q = 1;
    for (const param of params) {
      const [name = "", value = ""] = param.split("=").map((part) => part.trim());
      if (name.toLowerCase() === "q") {
        q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : -1;
      }
    }
    if (q < 0) continue;
    found = rank > best ? q : Math.max(found, q);
    best = rank;
  }
  return found;
}

/** A 406 unless the Accept header (if any) takes XML. */
export function notAcceptable(accept: string | undefined): NotAcceptableError | undefined {
  if (accept === undefined || quality(accept, XML) > 0) {
    return undefined;
  }
  return new NotAcceptableError(`This API answers in ${XML}; the Accept header allows none of it.`);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  processEntities: false,
  parseTagValue: false,
  trimValues: false,
  // Every element as a list, so a repeated one stays visible as such; attributes as values.
  isArray: (_name: string, _path: unknown, _leaf: boolean, attribute: boolean) => !attribute,
});
const ajv = new Ajv({ allErrors: true });
const SET_BY_THE_SERVICE = ["@id", "created_at", "updated_at"];

type Fields = Record<string, string | null>;

/** The fields an <item> request document sets (a nil description as null), checked against
 * `schema`; a 400 or 422 for a body that is not an acceptable item document. */
export function readItem<T extends TSchema>(body: string, schema: T): Static<T> {
  if (/<!DOCTYPE/i.test(body)) throw new BadRequestError("Documents with a DTD are not accepted.");
  if (NOT_XML_CHAR.test(body)) {
    throw new BadRequestError("The body holds a character XML does not allow.");
  }
  try {
    SyntaxValidator.validate(body); // throws where the document is not well-formed
  } catch (error) {
    throw new BadRequestError(`The body is not well-formed XML: ${String(error)}`);
  }
  let document: Record<string, Record<string, unknown>[] | undefined>;
  try {
    document = parser.parse(body) as typeof document;
  } catch (error) {
    // Well-formed (checked above) but past one of the parser's limits, such as nesting depth:
    // no <item> goes that deep, so it is a document this API does not take.
    throw new UnprocessableError(`The document is not an <item> this API reads: ${String(error)}`);
  }
  const roots = Object.keys(document).filter((key) => key !== "?xml");
  if (roots.length !== 1 || roots[0] !== "item" || document.item?.length !== 1) {
    throw new UnprocessableError(`Expected one <item> document, not <${roots.join(", <")}>.`);
  }
  const item = document.item[0] ?? {};
  const fields: Fields = {};
  for (const [key, value] of Object.entries(item)) {
    if (key.startsWith("@xmlns")) continue;
    if (SET_BY_THE_SERVICE.includes(key)) {
      throw new UnprocessableError("id, created_at and updated_at are set by the service.");
    }
    if (!["name", "description"].includes(key) || !Array.isArray(value) || value.length !== 1) {
      throw new UnprocessableError(`<${key}> is not an element of an <item> here (see the XSD).`);
    }
    fields[key] = text(value[0]);
  }
  const check = ajv.compile<Static<T>>(schema);
  if (!check(fields)) {
    const reasons = (check.errors ?? []).map(
      (e) => `${e.instancePath || "item"} ${String(e.message)}`,
    );
    throw new UnprocessableError(`The item is not valid: ${reasons.join("; ")}.`);
  }
  return fields;
}

/** An element's text: "" when empty, null when xsi:nil. */
function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const element = value as Record<string, unknown>;
    const nil = Object.entries(element).some(([key, v]) => key.endsWith(":nil") && v === "true");
    if (nil) return null;
    const content = element["#text"];
    if (typeof content === "string") return content;
    if (Object.keys(element).every((key) => key.startsWith("@"))) return "";
  }
  throw new UnprocessableError("name and description hold text only.");
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  suppressEmptyNode: true,
  suppressBooleanAttributes: false, // else xsi:nil="true" is written as a bare xsi:nil
});

function itemNode(item: ItemRead): Record<string, unknown> {
  return {
    "@id": String(item.id),
    name: item.name,
    description: item.description ?? { "@xmlns:xsi": XSI, "@xsi:nil": "true" },
    created_at: item.created_at,
    updated_at: item.updated_at,
  };
}

export function itemDocument(item: ItemRead): string {
  return DECLARATION + builder.build({ item: itemNode(item) });
}

export function pageDocument(page: ItemPage): string {
  const links = (["self", "next", "prev"] as const).flatMap((rel) => {
    const href = page.links[rel];
    return href === undefined ? [] : [{ "@rel": rel, "@href": href }];
  });
  const items = {
    "@total": String(page.total),
    "@limit": String(page.limit),
    "@offset": String(page.offset),
    link: links,
    item: page.items.map(itemNode),
  };
  return DECLARATION + builder.build({ items });
}
