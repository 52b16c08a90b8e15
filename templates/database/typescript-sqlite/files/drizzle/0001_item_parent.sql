ALTER TABLE `items` ADD `parent_id` integer REFERENCES items(id);--> statement-breakpoint
CREATE INDEX `items_parent_id_idx` ON `items` (`parent_id`);