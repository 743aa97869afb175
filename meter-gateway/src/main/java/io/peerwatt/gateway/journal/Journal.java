package io.peerwatt.gateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's durable, append-only reading journal: a directory of segment files ({@link
 * SegmentFiles}, records as {@link JournalRecord} lays them out) plus an acknowledgement pointer
 * ({@link AckPointer}).
 *
 * <p><b>Durability.</b> {@link #append} returns only after the record is written and forced to disk
 * ({@link FileChannel#force}); only then does a reading count as taken. Each record carries a
 * CRC32C; on {@link #open} a torn or corrupt tail is truncated and everything before it kept. The
 * next sequence number and the previous reading hash come from the last record, so they survive
 * restarts (the newest segment is never deleted, even when fully acknowledged).
 *
 * <p><b>Acknowledgement.</b> {@link #acknowledgeThrough} moves a persisted pointer (written to a
 * temporary file, forced, atomically renamed); segments wholly at or below it are deleted.
 *
 * <p><b>Full policy.</b> The journal holds at most {@code maxBytes}. When an append would exceed
 * it, (1) unacknowledged finer-cadence readings are dropped from the oldest segments first (each
 * segment rewritten with only its quarter-hour boundary readings), logged at ERROR with counts and
 * sequence range; (2) if that is not enough, the new reading is refused ({@link
 * AppendOutcome#REFUSED_FULL}, ERROR log) and consumes no sequence number, so boundary readings
 * already journaled are never dropped. A write that fails (disk full) is truncated away and the
 * same policy applied once before giving up with an ERROR.
 *
 * <p>Single writer: one thread appends; all methods are synchronized.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  /** Outcome of an append; expected outcomes are values, not exceptions. */
  public enum AppendOutcome {
    /** Written and forced to disk. */
    STORED(1),
    /** Written and forced after dropping older finer-cadence readings to make room. */
    STORED_AFTER_THINNING(2),
    /** Not written: the journal is full of boundary/unacknowledged readings, or the disk is. */
    REFUSED_FULL(3);

    private final int code;

    AppendOutcome(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private static final byte[] SEGMENT_MAGIC = JournalRecord.SEGMENT_MAGIC;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;

  /** Every record still on disk, by sequence. */
  private final TreeMap<Long, Location> index = new TreeMap<>();

  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private long ackedThrough;
  private long lastSequence;
  private byte[] lastHash = new byte[32];
  private FileChannel active;
  private Segment activeSegment;

  private record Location(Segment segment, long offset, int length, boolean boundary) {}

  private static final class Segment {
    final long firstSequence;
    final Path path;
    long size;

    Segment(long firstSequence, Path path, long size) {
      this.firstSequence = firstSequence;
      this.path = path;
      this.size = size;
    }
  }

  private Journal(Path dir, long maxBytes, long segmentBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Opens (creating if needed) the journal in {@code dir} and recovers it.
   *
   * @param maxBytes upper bound of all segment files together; at least 4 segments
   * @param segmentBytes a segment is closed and a new one started beyond this size
   */
  public static Journal open(Path dir, long maxBytes, long segmentBytes) throws IOException {
    if (segmentBytes < 4096 || maxBytes < 4 * segmentBytes) {
      throw new IllegalArgumentException(
          "journal needs segmentBytes >= 4096 and maxBytes >= 4 * segmentBytes");
    }
    Files.createDirectories(dir);
    Journal journal = new Journal(dir, maxBytes, segmentBytes);
    journal.recover();
    return journal;
  }

  // ---- recovery -------------------------------------------------------------------------------

  private void recover() throws IOException {
    ackedThrough = AckPointer.read(dir);
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, SegmentFiles.GLOB)) {
      stream.forEach(files::add);
    }
    files.sort(null);
    for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
      Path file = it.next();
      boolean last = !it.hasNext();
      recoverSegment(file, last);
    }
    Files.deleteIfExists(dir.resolve(AckPointer.FILE + ".tmp"));
    if (!segments.isEmpty()) {
      activeSegment = segments.lastEntry().getValue();
      active = FileChannel.open(activeSegment.path, StandardOpenOption.WRITE);
      active.position(activeSegment.size);
    }
    lastSequence = Math.max(lastSequence, ackedThrough);
    log.info(
        "journal {}: {} readings on disk, {} unacknowledged, next sequence {}",
        dir,
        index.size(),
        depth(),
        lastSequence + 1);
  }

  private void recoverSegment(Path file, boolean last) throws IOException {
    long firstSequence = SegmentFiles.firstSequence(file);
    boolean headerless = false;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (!SegmentFiles.hasHeader(ch)) {
        // created but the header never reached the disk: nothing in it can be a reading
        log.warn("journal segment {} has no valid header ({} bytes); removing it", file, size);
        headerless = true;
      } else {
        recoverRecords(ch, file, firstSequence, size, last);
      }
    }
    if (headerless) {
      Files.delete(file);
    }
  }

  private void recoverRecords(
      FileChannel ch, Path file, long firstSequence, long size, boolean last) throws IOException {
    Segment segment = new Segment(firstSequence, file, size);
    long offset = SEGMENT_MAGIC.length;
    int recovered = 0;
    while (offset < size) {
      JournalRecord.Decoded d = JournalRecord.read(ch, offset, size);
      if (d == null) {
        break;
      }
      if (d.sequence() <= lastSequence) {
        log.error(
            "journal segment {} offset {}: sequence {} not after {}; stopping there",
            file,
            offset,
            d.sequence(),
            lastSequence);
        break;
      }
      index.put(d.sequence(), new Location(segment, offset, d.totalLength(), d.boundary()));
      lastSequence = d.sequence();
      lastHash = d.hash();
      offset += d.totalLength();
      recovered++;
    }
    if (offset < size) {
      String how = last ? "torn tail" : "CORRUPT RECORD IN AN OLDER SEGMENT";
      if (last) {
        log.warn(
            "journal {}: {} of {} bytes after {} good readings; truncating it",
            file,
            how,
            size - offset,
            recovered);
      } else {
        log.error(
            "journal {}: {} ({} bytes after {} good readings); truncating it",
            file,
            how,
            size - offset,
            recovered);
      }
      ch.truncate(offset);
      ch.force(true);
      segment.size = offset;
    }
    segments.put(firstSequence, segment);
  }

  // ---- appending ------------------------------------------------------------------------------

  /** The sequence number the next reading must carry. */
  public synchronized long nextSequence() {
    return lastSequence + 1;
  }

  /** Hash of the newest journaled reading (32 zero bytes before the first), for the chain. */
  public synchronized byte[] lastHash() {
    return lastHash.clone();
  }

  /**
   * Appends a reading and forces it to disk; it must carry {@link #nextSequence()}.
   *
   * @return whether it was stored; {@link AppendOutcome#REFUSED_FULL} consumes no sequence number
   */
  public synchronized AppendOutcome append(JournalEntry entry) throws IOException {
    if (entry.sequence() != lastSequence + 1) {
      throw new IllegalArgumentException(
          "expected sequence " + (lastSequence + 1) + ", got " + entry.sequence());
    }
    ByteBuffer record = JournalRecord.encode(entry);
    boolean thinned = false;
    if (totalBytes() + record.remaining() + SEGMENT_MAGIC.length > maxBytes) {
      thinned = makeRoom(record.remaining() + SEGMENT_MAGIC.length);
      if (totalBytes() + record.remaining() + SEGMENT_MAGIC.length > maxBytes) {
        log.error(
            "JOURNAL FULL ({} of {} bytes, {} unacknowledged readings): reading #{} at {} ({}) NOT STORED",
            totalBytes(),
            maxBytes,
            depth(),
            entry.sequence(),
            entry.takenAt(),
            entry.boundary() ? "quarter-hour boundary" : "cadence");
        return AppendOutcome.REFUSED_FULL;
      }
    }
    try {
      write(entry, record.duplicate());
    } catch (IOException e) {
      log.error(
          "JOURNAL WRITE FAILED for reading #{} ({}); applying the full-journal policy and retrying once",
          entry.sequence(),
          e.toString());
      rollBackPartialWrite();
      thinned |= makeRoom(record.remaining() + SEGMENT_MAGIC.length + segmentBytes);
      try {
        write(entry, record.duplicate());
      } catch (IOException again) {
        rollBackPartialWrite();
        log.error(
            "JOURNAL WRITE FAILED AGAIN: reading #{} at {} NOT STORED ({})",
            entry.sequence(),
            entry.takenAt(),
            again.toString());
        return AppendOutcome.REFUSED_FULL;
      }
    }
    return thinned ? AppendOutcome.STORED_AFTER_THINNING : AppendOutcome.STORED;
  }

  private void write(JournalEntry entry, ByteBuffer record) throws IOException {
    if (active == null
        || activeSegment.size + record.remaining() > segmentBytes
            && activeSegment.size > SEGMENT_MAGIC.length) {
      startSegment(entry.sequence());
    }
    long offset = activeSegment.size;
    int length = record.remaining();
    while (record.hasRemaining()) {
      active.write(record, offset + (length - record.remaining()));
    }
    active.force(false);
    activeSegment.size = offset + length;
    index.put(entry.sequence(), new Location(activeSegment, offset, length, entry.boundary()));
    lastSequence = entry.sequence();
    lastHash = entry.readingHash();
  }

  private void rollBackPartialWrite() {
    if (active == null) {
      return;
    }
    try {
      active.truncate(activeSegment.size);
      active.force(true);
    } catch (IOException e) {
      log.error(
          "journal: could not truncate a failed write in {} ({}); recovery will cut it at the next start",
          activeSegment.path,
          e.toString());
    }
  }

  private void startSegment(long firstSequence) throws IOException {
    if (active != null) {
      active.close();
    }
    active = SegmentFiles.create(dir, firstSequence);
    activeSegment =
        new Segment(firstSequence, SegmentFiles.path(dir, firstSequence), SEGMENT_MAGIC.length);
    segments.put(firstSequence, activeSegment);
  }

  // ---- full policy ----------------------------------------------------------------------------

  /**
   * Drops unacknowledged cadence readings from the oldest closed segments until {@code needed}
   * fits.
   */
  private boolean makeRoom(long needed) throws IOException {
    boolean thinned = false;
    for (Segment segment : new ArrayList<>(segments.values())) {
      if (totalBytes() + needed <= maxBytes) {
        break;
      }
      if (segment == activeSegment) {
        break;
      }
      thinned |= thin(segment);
    }
    return thinned;
  }

  /** Rewrites a closed segment keeping only its unacknowledged boundary readings. */
  private boolean thin(Segment segment) throws IOException {
    List<Long> dropped = new ArrayList<>();
    List<Map.Entry<Long, Location>> kept = new ArrayList<>();
    for (Map.Entry<Long, Location> e : index.entrySet()) {
      if (e.getValue().segment != segment) {
        continue;
      }
      if (e.getValue().boundary && e.getKey() > ackedThrough) {
        kept.add(e);
      } else if (e.getKey() > ackedThrough) {
        dropped.add(e.getKey());
      }
    }
    if (dropped.isEmpty()) {
      return false;
    }
    long[] offsets =
        SegmentFiles.keepOnly(
            segment.path,
            kept.stream()
                .map(e -> new SegmentFiles.Span(e.getValue().offset, e.getValue().length))
                .toList());
    // the new locations are made before the index changes: its entries are not to be read after
    // removal
    Map<Long, Location> moved = new TreeMap<>();
    long size = SEGMENT_MAGIC.length;
    for (int i = 0; i < kept.size(); i++) {
      Map.Entry<Long, Location> e = kept.get(i);
      moved.put(e.getKey(), new Location(segment, offsets[i], e.getValue().length, true));
      size += e.getValue().length;
    }
    index.entrySet().removeIf(e -> e.getValue().segment == segment);
    index.putAll(moved);
    long freed = segment.size - size;
    segment.size = size;
    log.error(
        "JOURNAL FULL: dropped {} unacknowledged finer-cadence readings #{}..#{} from {} ({} bytes freed);"
            + " {} quarter-hour boundary readings kept",
        dropped.size(),
        dropped.get(0),
        dropped.get(dropped.size() - 1),
        segment.path.getFileName(),
        freed,
        kept.size());
    return true;
  }

  // ---- reading and acknowledging --------------------------------------------------------------

  /** Up to {@code max} unacknowledged readings, oldest first. */
  public synchronized List<JournalEntry> pending(int max) throws IOException {
    List<JournalEntry> out = new ArrayList<>();
    for (Map.Entry<Long, Location> e : index.tailMap(ackedThrough, false).entrySet()) {
      if (out.size() >= max) {
        break;
      }
      out.add(read(e.getValue()));
    }
    return out;
  }

  /** The newest reading on disk, acknowledged or not. */
  public synchronized java.util.Optional<JournalEntry> newest() throws IOException {
    return index.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(read(index.lastEntry().getValue()));
  }

  /**
   * Every reading still on disk (acknowledged or not), oldest first; for recovery checks and tools.
   */
  public synchronized List<JournalEntry> all() throws IOException {
    List<JournalEntry> out = new ArrayList<>();
    for (Location location : index.values()) {
      out.add(read(location));
    }
    return out;
  }

  private JournalEntry read(Location location) throws IOException {
    try (FileChannel ch = FileChannel.open(location.segment.path, StandardOpenOption.READ)) {
      JournalRecord.Decoded d = JournalRecord.read(ch, location.offset, location.segment.size);
      if (d == null) {
        throw new IOException(
            "journal record at "
                + location.segment.path
                + ":"
                + location.offset
                + " no longer passes its CRC");
      }
      return d.entry();
    }
  }

  /** Number of readings not yet acknowledged by the platform. */
  public synchronized int depth() {
    return index.tailMap(ackedThrough, false).size();
  }

  /** Highest acknowledged sequence (0 = none). */
  public synchronized long ackedThrough() {
    return ackedThrough;
  }

  /** Bytes used by all segments. */
  public synchronized long totalBytes() {
    long total = 0;
    for (Segment s : segments.values()) {
      total += s.size;
    }
    return total;
  }

  /**
   * Marks every reading up to {@code sequence} as acknowledged (persisted before returning) and
   * deletes closed segments that hold nothing newer.
   */
  public synchronized void acknowledgeThrough(long sequence) throws IOException {
    if (sequence <= ackedThrough) {
      return;
    }
    if (sequence > lastSequence) {
      throw new IllegalArgumentException(
          "cannot acknowledge #" + sequence + ", newest is #" + lastSequence);
    }
    AckPointer.write(dir, sequence);
    ackedThrough = sequence;
    for (Segment segment : new ArrayList<>(segments.values())) {
      if (segment == activeSegment) {
        break;
      }
      Long newest = null;
      for (Map.Entry<Long, Location> e : index.entrySet()) {
        if (e.getValue().segment == segment) {
          newest = e.getKey();
        }
      }
      if (newest == null || newest <= ackedThrough) {
        Files.deleteIfExists(segment.path);
        segments.remove(segment.firstSequence);
        index.entrySet().removeIf(e -> e.getValue().segment == segment);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (active != null) {
      active.close();
      active = null;
    }
  }
}
