import { describe, expect, it, vi } from "vitest";

import { buildApp } from "../src/app.js";
import { testConfig } from "./helpers.js";

describe("the log", () => {
  // So a line logged before an answer is in the log once the answer is (src/app.ts).
  it("is on stdout by the time the logging call returns", async () => {
    const app = await buildApp(testConfig({ logLevel: "info" }));
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      app.log.info("written at once");
      expect(write).toHaveBeenCalledWith(expect.stringContaining('"msg":"written at once"'));
    } finally {
      write.mockRestore();
      await app.close();
    }
  });
});
