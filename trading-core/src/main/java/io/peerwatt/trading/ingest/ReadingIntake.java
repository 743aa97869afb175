package io.peerwatt.trading.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where {@code POST /readings} hands an upload batch: {@link ReadingIngest} checks and stores it in
 * this process; a node of a cluster checks it and appends it to a log that a writer stores from.
 */
public interface ReadingIntake {
  /**
   * Takes a batch; {@code batch} parses it, off the event loop. The future completes with one
   * result per reading, in batch order, once the batch is durable; it fails with the exception
   * {@code batch} threw or with {@link IngestRefusal} for whole-batch refusals.
   */
  CompletableFuture<List<ReadingIngest.Result>> submit(Supplier<ReadingIngest.Batch> batch);
}
