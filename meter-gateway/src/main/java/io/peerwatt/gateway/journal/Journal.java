package io.peerwatt.gateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's durable, append-only reading journal: a directory of segment files plus an
 * acknowledgement pointer.
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
 * <p><b>Full policy.</b> The journal holds at most {@code maxBytes}. When an append would exceed it,
 * (1) unacknowledged finer-cadence readings are dropped from the oldest segments first (each
 * segment rewritten with only its quarter-hour boundary readings), logged at ERROR with counts and
 * sequence range; (2) if that is not enough, the new reading is refused ({@link
 * AppendOutcome#REFUSED_FULL}, ERROR log) and consumes no sequence number, so boundary readings
 * already journaled are never dropped. A write that fails (disk full) is truncated away and the same
 * policy applied once before giving up with an ERROR.
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

  static final byte[] SEGMENT_MAGIC = {'P', 'W', 'J', 'R', 'N', 'L', '0', '1'};
  private static final int RECORD_HEADER = 8; // u32 body length, u32 crc32c of body
  private static final int BODY_FIXED = 1 + 8 + 8 + 1 + 32 + 4;
  private static final int MAX_BODY = 1 << 20;
  private static final byte VERSION = 1;
  private static final byte KIND_BOUNDARY = 1;
  private static final byte KIND_CADENCE = 2;
  private static final String ACK_FILE = "acked";

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
      throw new IllegalArgumentException("journal needs segmentBytes >= 4096 and maxBytes >= 4 * segmentBytes");
    }
    Files.createDirectories(dir);
    Journal journal = new Journal(dir, maxBytes, segmentBytes);
    journal.recover();
    return journal;
  }

  // ---- recovery -------------------------------------------------------------------------------

  private void recover() throws IOException {
    ackedThrough = readAck();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "segment-*.pwj")) {
      stream.forEach(files::add);
    }
    files.sort(null);
    for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
      Path file = it.next();
      boolean last = !it.hasNext();
      recoverSegment(file, last);
    }
    Files.deleteIfExists(dir.resolve(ACK_FILE + ".tmp"));
    if (!segments.isEmpty()) {
      activeSegment = segments.lastEntry().getValue();
      active = FileChannel.open(activeSegment.path, StandardOpenOption.WRITE);
      active.position(activeSegment.size);
    }
    lastSequence = Math.max(lastSequence, ackedThrough);
    log.info("journal {}: {} readings on disk, {} unacknowledged, next sequence {}",
        dir, index.size(), depth(), lastSequence + 1);
  }

  private void recoverSegment(Path file, boolean last) throws IOException {
    long firstSequence = Long.parseLong(file.getFileName().toString().substring(8, 28));
    boolean headerless = false;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      ByteBuffer magic = ByteBuffer.allocate(SEGMENT_MAGIC.length);
      readFully(ch, magic, 0);
      if (magic.position() < SEGMENT_MAGIC.length || !java.util.Arrays.equals(magic.array(), SEGMENT_MAGIC)) {
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

  private void recoverRecords(FileChannel ch, Path file, long firstSequence, long size, boolean last)
      throws IOException {
    Segment segment = new Segment(firstSequence, file, size);
    long offset = SEGMENT_MAGIC.length;
    int recovered = 0;
    while (offset < size) {
      Decoded d = readRecord(ch, offset, size);
      if (d == null) {
        break;
      }
      if (d.sequence <= lastSequence) {
        log.error("journal segment {} offset {}: sequence {} not after {}; stopping there",
            file, offset, d.sequence, lastSequence);
        break;
      }
      index.put(d.sequence, new Location(segment, offset, d.totalLength, d.boundary));
      lastSequence = d.sequence;
      lastHash = d.hash;
      offset += d.totalLength;
      recovered++;
    }
    if (offset < size) {
      String how = last ? "torn tail" : "CORRUPT RECORD IN AN OLDER SEGMENT";
      if (last) {
        log.warn("journal {}: {} of {} bytes after {} good readings; truncating it", file, how,
            size - offset, recovered);
      } else {
        log.error("journal {}: {} ({} bytes after {} good readings); truncating it", file, how,
            size - offset, recovered);
      }
      ch.truncate(offset);
      ch.force(true);
      segment.size = offset;
    }
    segments.put(firstSequence, segment);
  }

  private record Decoded(long sequence, Instant takenAt, boolean boundary, byte[] hash, byte[] payload, int totalLength) {}

  /** Reads and checks one record; null when it is torn, oversized or fails its CRC. */
  private static Decoded readRecord(FileChannel ch, long offset, long size) throws IOException {
    if (size - offset < RECORD_HEADER) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
    readFully(ch, header, offset);
    header.flip();
    int bodyLength = header.getInt();
    int crc = header.getInt();
    if (bodyLength < BODY_FIXED || bodyLength > MAX_BODY || size - offset - RECORD_HEADER < bodyLength) {
      return null;
    }
    ByteBuffer body = ByteBuffer.allocate(bodyLength);
    readFully(ch, body, offset + RECORD_HEADER);
    CRC32C check = new CRC32C();
    check.update(body.array());
    if ((int) check.getValue() != crc) {
      return null;
    }
    body.flip();
    if (body.get() != VERSION) {
      return null;
    }
    long sequence = body.getLong();
    Instant takenAt = Instant.ofEpochMilli(body.getLong());
    byte kind = body.get();
    byte[] hash = new byte[32];
    body.get(hash);
    int payloadLength = body.getInt();
    if (payloadLength != body.remaining() || (kind != KIND_BOUNDARY && kind != KIND_CADENCE)) {
      return null;
    }
    byte[] payload = new byte[payloadLength];
    body.get(payload);
    return new Decoded(sequence, takenAt, kind == KIND_BOUNDARY, hash, payload, RECORD_HEADER + bodyLength);
  }

  private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = ch.read(buffer, at);
      if (n < 0) {
        return;
      }
      at += n;
    }
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
      throw new IllegalArgumentException("expected sequence " + (lastSequence + 1) + ", got " + entry.sequence());
    }
    ByteBuffer record = encode(entry);
    boolean thinned = false;
    if (totalBytes() + record.remaining() + SEGMENT_MAGIC.length > maxBytes) {
      thinned = makeRoom(record.remaining() + SEGMENT_MAGIC.length);
      if (totalBytes() + record.remaining() + SEGMENT_MAGIC.length > maxBytes) {
        log.error("JOURNAL FULL ({} of {} bytes, {} unacknowledged readings): reading #{} at {} ({}) NOT STORED",
            totalBytes(), maxBytes, depth(), entry.sequence(), entry.takenAt(),
            entry.boundary() ? "quarter-hour boundary" : "cadence");
        return AppendOutcome.REFUSED_FULL;
      }
    }
    try {
      write(entry, record.duplicate());
    } catch (IOException e) {
      log.error("JOURNAL WRITE FAILED for reading #{} ({}); applying the full-journal policy and retrying once",
          entry.sequence(), e.toString());
      rollBackPartialWrite();
      thinned |= makeRoom(record.remaining() + SEGMENT_MAGIC.length + segmentBytes);
      try {
        write(entry, record.duplicate());
      } catch (IOException again) {
        rollBackPartialWrite();
        log.error("JOURNAL WRITE FAILED AGAIN: reading #{} at {} NOT STORED ({})", entry.sequence(),
            entry.takenAt(), again.toString());
        return AppendOutcome.REFUSED_FULL;
      }
    }
    return thinned ? AppendOutcome.STORED_AFTER_THINNING : AppendOutcome.STORED;
  }

  private void write(JournalEntry entry, ByteBuffer record) throws IOException {
    if (active == null || activeSegment.size + record.remaining() > segmentBytes && activeSegment.size > SEGMENT_MAGIC.length) {
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
      log.error("journal: could not truncate a failed write in {} ({}); recovery will cut it at the next start",
          activeSegment.path, e.toString());
    }
  }

  private void startSegment(long firstSequence) throws IOException {
    if (active != null) {
      active.close();
    }
    Path path = dir.resolve(String.format("segment-%020d.pwj", firstSequence));
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      ch.write(ByteBuffer.wrap(SEGMENT_MAGIC), 0);
      ch.force(true);
      forceDirectory();
    } catch (IOException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
    active = ch;
    activeSegment = new Segment(firstSequence, path, SEGMENT_MAGIC.length);
    segments.put(firstSequence, activeSegment);
  }

  private static ByteBuffer encode(JournalEntry entry) {
    byte[] payload = entry.signedReading();
    int bodyLength = BODY_FIXED + payload.length;
    if (bodyLength > MAX_BODY) {
      throw new IllegalArgumentException("signed reading too large: " + payload.length + " bytes");
    }
    ByteBuffer body = ByteBuffer.allocate(bodyLength);
    body.put(VERSION).putLong(entry.sequence()).putLong(entry.takenAt().toEpochMilli())
        .put(entry.boundary() ? KIND_BOUNDARY : KIND_CADENCE).put(entry.readingHash())
        .putInt(payload.length).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(body.array());
    ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + bodyLength);
    record.putInt(bodyLength).putInt((int) crc.getValue()).put(body.array()).flip();
    return record;
  }

  // ---- full policy ----------------------------------------------------------------------------

  /** Drops unacknowledged cadence readings from the oldest closed segments until {@code needed} fits. */
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
    Path tmp = segment.path.resolveSibling(segment.path.getFileName() + ".tmp");
    long size = SEGMENT_MAGIC.length;
    List<Map.Entry<Long, Location>> moved = new ArrayList<>();
    try (FileChannel src = FileChannel.open(segment.path, StandardOpenOption.READ);
        FileChannel dst = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      dst.write(ByteBuffer.wrap(SEGMENT_MAGIC), 0);
      for (Map.Entry<Long, Location> e : kept) {
        ByteBuffer buf = ByteBuffer.allocate(e.getValue().length);
        readFully(src, buf, e.getValue().offset);
        buf.flip();
        long at = size;
        while (buf.hasRemaining()) {
          dst.write(buf, at + (e.getValue().length - buf.remaining()));
        }
        moved.add(Map.entry(e.getKey(), new Location(segment, at, e.getValue().length, true)));
        size += e.getValue().length;
      }
      dst.force(true);
    }
    moveAtomically(tmp, segment.path);
    forceDirectory();
    index.entrySet().removeIf(e -> e.getValue().segment == segment);
    for (Map.Entry<Long, Location> e : moved) {
      index.put(e.getKey(), e.getValue());
    }
    long freed = segment.size - size;
    segment.size = size;
    log.error("JOURNAL FULL: dropped {} unacknowledged finer-cadence readings #{}..#{} from {} ({} bytes freed);"
            + " {} quarter-hour boundary readings kept", dropped.size(), dropped.get(0),
        dropped.get(dropped.size() - 1), segment.path.getFileName(), freed, kept.size());
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
    return index.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(read(index.lastEntry().getValue()));
  }

  /** Every reading still on disk (acknowledged or not), oldest first; for recovery checks and tools. */
  public synchronized List<JournalEntry> all() throws IOException {
    List<JournalEntry> out = new ArrayList<>();
    for (Location location : index.values()) {
      out.add(read(location));
    }
    return out;
  }

  private JournalEntry read(Location location) throws IOException {
    try (FileChannel ch = FileChannel.open(location.segment.path, StandardOpenOption.READ)) {
      Decoded d = readRecord(ch, location.offset, location.segment.size);
      if (d == null) {
        throw new IOException("journal record at " + location.segment.path + ":" + location.offset
            + " no longer passes its CRC");
      }
      return new JournalEntry(d.sequence, d.takenAt, d.boundary, d.hash, d.payload);
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
      throw new IllegalArgumentException("cannot acknowledge #" + sequence + ", newest is #" + lastSequence);
    }
    Path tmp = dir.resolve(ACK_FILE + ".tmp");
    ByteBuffer buf = ByteBuffer.allocate(12);
    buf.putLong(sequence);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, 8);
    buf.putInt((int) crc.getValue()).flip();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    moveAtomically(tmp, dir.resolve(ACK_FILE));
    forceDirectory();
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

  private long readAck() throws IOException {
    Path file = dir.resolve(ACK_FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != 12) {
      throw new IOException("journal ack pointer " + file + " is damaged (" + bytes.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long sequence = buf.getLong();
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 8);
    if ((int) crc.getValue() != buf.getInt()) {
      throw new IOException("journal ack pointer " + file + " fails its CRC");
    }
    return sequence;
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the journal needs a file system with atomic rename: " + to, e);
    }
  }

  private void forceDirectory() throws IOException {
    // makes creations, renames and deletions in the directory durable (Linux allows fsync on a directory)
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
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
