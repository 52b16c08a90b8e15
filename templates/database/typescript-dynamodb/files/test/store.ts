/** Direct writes to DynamoDB for tests, around the app rather than through it. */
import { paginateScan, DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FastifyInstance } from "fastify";

/** Removes every item and name claim (the id counter stays: ids only ever grow). */
export async function emptyItems(app: FastifyInstance): Promise<void> {
  const { documents, table } = app.resources.database.db;
  const pages = paginateScan(
    { client: documents },
    {
      TableName: table,
      FilterExpression: "NOT begins_with(pk, :counter)",
      ExpressionAttributeValues: { ":counter": "counter#" },
      ProjectionExpression: "pk",
    },
  );
  for await (const page of pages) {
    for (const { pk } of (page.Items ?? []) as { pk: string }[]) {
      await documents.send(new DeleteCommand({ TableName: table, Key: { pk } }));
    }
  }
}

export async function setDescription(
  app: FastifyInstance,
  id: number,
  description: string,
): Promise<void> {
  const { documents, table } = app.resources.database.db;
  await documents.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: `item#${String(id)}` },
      UpdateExpression: "SET description = :description",
      ExpressionAttributeValues: { ":description": description },
    }),
  );
}
