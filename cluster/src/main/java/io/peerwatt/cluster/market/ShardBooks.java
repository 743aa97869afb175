package io.peerwatt.cluster.market;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.BookStateCodec;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.ResultCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The books of one shard a {@link ZoneOwner} owns: per zone seen, its open books by slot. A book
 * whose gate closed is dropped at once, and only its slot and final state hash are kept, so a
 * command that still comes for it is answered as the closed book would answer ({@code BOOK_CLOSED},
 * same hash). Those are forgotten too once a gate closes {@link #KEEP_CLOSED} after theirs; any
 * command for a slot before then is answered {@code BOOK_CLOSED}. Both happen as a closure is
 * applied, so every owner replaying the log drops the same books at the same command, and memory
 * and snapshots hold the open books and a few days of closed slots, not the zone's history.
 */
final class ShardBooks {
  // logs under the owner's name, as before this class was split out of it
  private static final Logger log = LoggerFactory.getLogger(ZoneOwner.class);

  /** How long (in slot time) a closed book's slot is remembered. */
  static final Duration KEEP_CLOSED = Duration.ofDays(2);

  private final String nodeId;
  private final String snapshotsTopic;
  private final Function<String, Optional<ZoneConfig>> zones;
  final int partition;
  private final Map<String, ZoneBooks> zoneBooks = new TreeMap<>();
  int sinceSnapshot;
  long nextOffset;

  /**
   * @param nodeId the owning node, for the log
   * @param snapshotsTopic where {@link #writeSnapshots} writes
   * @param zones the rules of a zone, empty when it does not trade
   * @param partition the shard
   */
  ShardBooks(
      String nodeId,
      String snapshotsTopic,
      Function<String, Optional<ZoneConfig>> zones,
      int partition) {
    this.nodeId = nodeId;
    this.snapshotsTopic = snapshotsTopic;
    this.zones = zones;
    this.partition = partition;
  }

  void restore(String zoneCode, ZoneSnapshot snapshot) {
    Optional<ZoneBooks> found = zoneBooks(zoneCode);
    if (found.isEmpty()) {
      // the zone stopped trading: its commands are answered WRONG_ZONE from now on
      log.warn(
          "Zone owner {}: zone {} no longer trades, its snapshot is dropped", nodeId, zoneCode);
      return;
    }
    ZoneBooks books = found.get();
    for (byte[] state : snapshot.books()) {
      OrderBook book = BookStateCodec.decode(books.config, state);
      if (book.isClosed()) {
        // a version 1 snapshot kept closed books whole
        books.closed.put(book.instrument().slot(), book.stateHash());
      } else {
        books.bySlot.put(book.instrument().slot(), book);
      }
    }
    snapshot.closed().forEach(c -> books.closed.put(c.slot(), c.stateHash()));
    books.forgottenBefore = snapshot.forgottenBefore();
    books.includesBefore = snapshot.nextOffset();
  }

  /**
   * Applies one command record; the result, or null when the record is not a command (logged and
   * skipped, the same way on every replay) or the zone's snapshot already holds it.
   */
  ZoneResult apply(ConsumerRecord<String, byte[]> record) {
    nextOffset = record.offset() + 1;
    sinceSnapshot++;
    ZoneCommand command;
    try {
      command = ZoneCommand.fromBytes(record.value());
    } catch (FormatException e) {
      log.warn(
          "Zone owner {}: skipping command {}/{}: {}",
          nodeId,
          partition,
          record.offset(),
          e.getMessage());
      return null;
    }
    Optional<ZoneBooks> found = zoneBooks(command.instrument().zoneCode());
    if (found.isEmpty()) {
      return new ZoneResult(
          record.offset(),
          command.instrument(),
          command.command(),
          CommandResult.of(ResultCode.WRONG_ZONE),
          0);
    }
    ZoneBooks books = found.get();
    if (record.offset() < books.includesBefore) {
      return null;
    }
    DeliverySlot slot = command.instrument().slot();
    OrderBook book = books.bySlot.get(slot);
    if (book == null) {
      Long closedHash = books.closed.get(slot);
      if (closedHash != null || slot.start().isBefore(books.forgottenBefore)) {
        return new ZoneResult(
            record.offset(),
            command.instrument(),
            command.command(),
            CommandResult.of(ResultCode.BOOK_CLOSED),
            closedHash == null ? 0 : closedHash);
      }
      book = OrderBook.create(books.config, slot);
      books.bySlot.put(slot, book);
    }
    CommandResult result = book.apply(command.command());
    long stateHash = book.stateHash();
    if (book.isClosed()) {
      books.closed(slot, stateHash);
    }
    return new ZoneResult(
        record.offset(), command.instrument(), command.command(), result, stateHash);
  }

  private Optional<ZoneBooks> zoneBooks(String zoneCode) {
    ZoneBooks books = zoneBooks.get(zoneCode);
    if (books != null) {
      return Optional.of(books);
    }
    Optional<ZoneConfig> config = zones.apply(zoneCode);
    config.ifPresent(c -> zoneBooks.put(zoneCode, new ZoneBooks(c)));
    return Optional.ofNullable(zoneBooks.get(zoneCode));
  }

  /**
   * Hands {@code send} the snapshot of every zone seen, all at {@link #nextOffset}, for the
   * transaction.
   */
  void writeSnapshots(Consumer<ProducerRecord<String, byte[]>> send) {
    for (Map.Entry<String, ZoneBooks> e : zoneBooks.entrySet()) {
      ZoneBooks books = e.getValue();
      List<byte[]> states = new ArrayList<>();
      books.bySlot.values().forEach(book -> states.add(BookStateCodec.encode(book)));
      List<ZoneSnapshot.ClosedBook> closed = new ArrayList<>();
      books.closed.forEach((slot, hash) -> closed.add(new ZoneSnapshot.ClosedBook(slot, hash)));
      send.accept(
          new ProducerRecord<>(
              snapshotsTopic,
              partition,
              e.getKey(),
              new ZoneSnapshot(nextOffset, states, closed, books.forgottenBefore).toBytes()));
    }
    sinceSnapshot = 0;
  }

  /** One zone's rules and books. */
  private static final class ZoneBooks {
    final ZoneConfig config;
    final Map<DeliverySlot, OrderBook> bySlot = new TreeMap<>();

    /** Closed books' slots and final state hashes, oldest first. */
    final TreeMap<DeliverySlot, Long> closed = new TreeMap<>();

    /** Slots starting before this are closed books no longer remembered. */
    Instant forgottenBefore = Instant.EPOCH;

    /** Commands of the shard before this offset are in the books already (from a snapshot). */
    long includesBefore;

    ZoneBooks(ZoneConfig config) {
      this.config = config;
    }

    /** The gate of {@code slot} closed: keep its hash only, forget slots closed long before. */
    void closed(DeliverySlot slot, long stateHash) {
      bySlot.remove(slot);
      closed.put(slot, stateHash);
      Instant horizon = slot.start().minus(KEEP_CLOSED);
      while (!closed.isEmpty() && closed.firstKey().start().isBefore(horizon)) {
        DeliverySlot forgotten = closed.pollFirstEntry().getKey();
        if (forgotten.end().isAfter(forgottenBefore)) {
          forgottenBefore = forgotten.end();
        }
      }
    }
  }
}
