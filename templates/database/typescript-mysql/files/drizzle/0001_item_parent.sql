ALTER TABLE `items` ADD `parent_id` int;--> statement-breakpoint
ALTER TABLE `items` ADD CONSTRAINT `items_parent_id_items_id_fk` FOREIGN KEY (`parent_id`) REFERENCES `items`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `items_parent_id_idx` ON `items` (`parent_id`);