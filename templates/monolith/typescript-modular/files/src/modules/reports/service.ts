/** Reports over the items module, which it reaches through its public interface only. */
import type { ItemService } from "../items/index.js";

export interface ItemReport {
  total: number;
  described: number;
}

export class ReportService {
  constructor(
    // Only what a report reads: any implementation of the items interface will do.
    private readonly items: Pick<ItemService, "list">,
    private readonly pageSize = 100,
  ) {}

  async itemsReport(): Promise<ItemReport> {
    let described = 0;
    let offset = 0;
    for (;;) {
      const [page, total] = await this.items.list({ limit: this.pageSize, offset });
      described += page.filter((item) => item.description).length;
      offset += this.pageSize;
      if (offset >= total) return { total, described };
    }
  }
}
