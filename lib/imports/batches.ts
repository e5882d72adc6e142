/**
 * Drains `items` into `insert` a batch at a time, so only one batch is ever
 * held in memory however long the file is. Returns how many items there were.
 */
export async function insertInBatches<T>(
  items: AsyncIterable<T>,
  insert: (batch: T[]) => Promise<unknown>,
  size = 1000,
): Promise<number> {
  let batch: T[] = [];
  let count = 0;
  for await (const item of items) {
    batch.push(item);
    count += 1;
    if (batch.length === size) {
      await insert(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await insert(batch);
  return count;
}
