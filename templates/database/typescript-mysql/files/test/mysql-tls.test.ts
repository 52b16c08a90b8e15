/** TLS to MySQL as DATABASE_URL's ssl_mode asks (the ECS stack's RDS MySQL requires it). */
import { describe, expect, it } from "vitest";

import { tlsOptions } from "../src/db/client.js";

const URL_ = "mysql://app:p%40ss@db.example.com:3306/app";

describe("tlsOptions", () => {
  it("leaves a URL without ssl_mode as it is", () => {
    expect(tlsOptions(URL_)).toEqual({ uri: URL_ });
  });

  it("encrypts without checking the certificate for REQUIRED", () => {
    expect(tlsOptions(`${URL_}?ssl_mode=REQUIRED`)).toEqual({
      uri: URL_,
      ssl: { rejectUnauthorized: false },
    });
  });

  it("checks the certificate for VERIFY_IDENTITY", () => {
    expect(tlsOptions(`${URL_}?ssl_mode=VERIFY_IDENTITY`).ssl).toEqual({
      rejectUnauthorized: true,
    });
  });

  it("refuses another mode", () => {
    expect(() => tlsOptions(`${URL_}?ssl_mode=PREFERRED`)).toThrow(
      'ssl_mode must be REQUIRED or VERIFY_IDENTITY, not "PREFERRED"',
    );
  });
});
