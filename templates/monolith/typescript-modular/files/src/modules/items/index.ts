/** The items module: the example resource. Its public interface is what this file exports. */
export { ItemService, createItemService } from "./service.js";
