package io.peerwatt.trading.ingest;

import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ReadingChain;
import io.peerwatt.protocol.reading.ReadingFlag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of a group of batches: one query for the group's devices (status, rated power, chain
 * tips, and which of the group's nonces they used), one for the stored readings that may be
 * duplicates (only when there are any), and one statement that writes everything: nonces, readings
 * and chain moves, as column arrays unnested, so a group costs the same few round trips whatever
 * its size. No row is locked: each chain moves only from the tip the group read ({@link ChainMoved}
 * otherwise), so a writer elsewhere is noticed, never overwritten.
 */
final class IngestRows {
  private static final String DEVICES =
      "select d.public_key, d.id, d.status, m.max_power_w,"
          + " c.meter_channel, c.last_sequence, c.last_reading_hash, c.last_taken_at,"
          + " c.last_import_wh, c.last_export_wh, c.restarted,"
          + " array(select n.nonce from ingest_batch_nonce n"
          + " where n.device_id = d.id and n.nonce = any(?::bytea[])) as used_nonces"
          + " from device d"
          + " join metering_point m on m.id = d.metering_point_id"
          + " left join device_channel c on c.device_id = d.id"
          + " where d.public_key = any(?::bytea[])";

  private static final String STORED =
      "select r.device_id, r.meter_channel, r.sequence, r.encoded"
          + " from unnest(?::int8[], ?::int4[], ?::int8[]) as u(device_id, meter_channel, sequence)"
          + " join reading r on r.device_id = u.device_id and r.meter_channel = u.meter_channel"
          + " and r.sequence = u.sequence";

  /**
   * Everything a group writes, as one statement. The chains that had a row move only where they
   * still stand where the group found them; the statement returns how many did.
   */
  private static final String WRITE =
      "with nonces as ("
          + "insert into ingest_batch_nonce (device_id, nonce, sent_at)"
          + " select * from unnest(?::int8[], ?::bytea[], ?::timestamptz[])"
          + "), readings as ("
          + "insert into reading (device_id, meter_channel, sequence, taken_at, import_wh,"
          + " export_wh, power_w, quality_flags, prev_hash, reading_hash, signature, encoded,"
          + " received_at)"
          + " select * from unnest(?::int8[], ?::int4[], ?::int8[], ?::timestamptz[], ?::int8[],"
          + " ?::int8[], ?::int8[], ?::int4[], ?::bytea[], ?::bytea[], ?::bytea[], ?::bytea[],"
          + " ?::timestamptz[])"
          + "), started as ("
          + "insert into device_channel (device_id, meter_channel, last_sequence,"
          + " last_reading_hash, last_taken_at, last_import_wh, last_export_wh, updated_at)"
          + " select * from unnest(?::int8[], ?::int4[], ?::int8[], ?::bytea[], ?::timestamptz[],"
          + " ?::int8[], ?::int8[], ?::timestamptz[])"
          + "), moved as ("
          + "update device_channel c set last_sequence = u.last_sequence,"
          + " last_reading_hash = u.last_reading_hash, last_taken_at = u.last_taken_at,"
          + " last_import_wh = u.last_import_wh, last_export_wh = u.last_export_wh,"
          + " restarted = false, updated_at = u.updated_at"
          + " from unnest(?::int8[], ?::int4[], ?::int8[], ?::bytea[], ?::int8[], ?::bytea[],"
          + " ?::timestamptz[], ?::int8[], ?::int8[], ?::timestamptz[])"
          + " as u(device_id, meter_channel, was_sequence, was_hash, last_sequence,"
          + " last_reading_hash, last_taken_at, last_import_wh, last_export_wh, updated_at)"
          + " where c.device_id = u.device_id and c.meter_channel = u.meter_channel"
          + " and c.last_sequence = u.was_sequence and c.last_reading_hash = u.was_hash"
          + " returning 1"
          + ") select count(*) from moved";

  /** A chain was moved by someone else between the group's read and its write. */
  static final class ChainMoved extends RuntimeException {
    ChainMoved(String message) {
      super(message, null, false, false);
    }
  }

  private IngestRows() {}

  /** The group's devices that exist, by hex key, with their chains and used nonces. */
  static Map<String, GroupPlan.Device> devices(Connection c, List<CheckedBatch> batches)
      throws SQLException {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    Set<String> nonces = new LinkedHashSet<>();
    for (CheckedBatch b : batches) {
      keys.putIfAbsent(b.deviceKeyHex(), b.batch().deviceKey().compressed());
      nonces.add(b.nonceHex());
    }
    Map<String, GroupPlan.Device> devices = new HashMap<>();
    Map<String, Map<Integer, ReadingChain.Tip>> tips = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(DEVICES)) {
      ps.setArray(1, c.createArrayOf("bytea", unhex(nonces)));
      ps.setArray(2, c.createArrayOf("bytea", unhex(keys.keySet())));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = HexFormat.of().formatHex(rs.getBytes(1));
          Map<Integer, ReadingChain.Tip> deviceTips =
              tips.computeIfAbsent(key, k -> new HashMap<>());
          if (!devices.containsKey(key)) {
            Set<String> used = new HashSet<>();
            for (byte[] nonce : (byte[][]) rs.getArray(12).getArray()) {
              used.add(HexFormat.of().formatHex(nonce));
            }
            devices.put(
                key,
                new GroupPlan.Device(
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getLong(4),
                    java.util.Collections.unmodifiableMap(deviceTips),
                    java.util.Collections.unmodifiableSet(used)));
          }
          int channel = rs.getInt(5);
          if (!rs.wasNull()) {
            deviceTips.put(
                channel,
                new ReadingChain.Tip(
                    keys.get(key),
                    channel,
                    rs.getLong(6),
                    rs.getBytes(7),
                    rs.getObject(8, OffsetDateTime.class).toInstant(),
                    rs.getLong(9),
                    rs.getLong(10),
                    rs.getBoolean(11)));
          }
        }
      }
    }
    return devices;
  }

  /** The stored encodings of those of {@code positions} that are stored. */
  static Map<GroupPlan.Position, byte[]> stored(
      Connection c, Collection<GroupPlan.Position> positions) throws SQLException {
    Map<GroupPlan.Position, byte[]> stored = new HashMap<>();
    if (positions.isEmpty()) {
      return stored;
    }
    int n = positions.size();
    Long[] devices = new Long[n];
    Integer[] channels = new Integer[n];
    Long[] sequences = new Long[n];
    int i = 0;
    for (GroupPlan.Position p : positions) {
      devices[i] = p.deviceId();
      channels[i] = p.channel();
      sequences[i] = p.sequence();
      i++;
    }
    try (PreparedStatement ps = c.prepareStatement(STORED)) {
      ps.setArray(1, c.createArrayOf("int8", devices));
      ps.setArray(2, c.createArrayOf("int4", channels));
      ps.setArray(3, c.createArrayOf("int8", sequences));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put(
              new GroupPlan.Position(rs.getLong(1), rs.getInt(2), rs.getLong(3)), rs.getBytes(4));
        }
      }
    }
    return stored;
  }

  /**
   * Writes what {@code plan} decided, on {@code c} inside the caller's transaction.
   *
   * @throws ChainMoved when a chain no longer stands where the group found it (the caller rolls
   *     back and decides again)
   */
  static void write(Connection c, GroupPlan plan) throws SQLException {
    if (plan.nonces.isEmpty()) {
      return;
    }
    List<GroupPlan.NewNonce> nonces = plan.nonces;
    int n = nonces.size();
    Long[] nonceDevices = new Long[n];
    byte[][] nonceBytes = new byte[n][];
    String[] sentAt = new String[n];
    for (int i = 0; i < n; i++) {
      GroupPlan.NewNonce x = nonces.get(i);
      nonceDevices[i] = x.deviceId();
      nonceBytes[i] = x.nonce();
      sentAt[i] = x.sentAt().toString();
    }
    List<GroupPlan.NewReading> readings = plan.readings;
    int r = readings.size();
    Long[] devices = new Long[r];
    Integer[] channels = new Integer[r];
    Long[] sequences = new Long[r];
    String[] takenAt = new String[r];
    Long[] imports = new Long[r];
    Long[] exports = new Long[r];
    Long[] powers = new Long[r];
    Integer[] flags = new Integer[r];
    byte[][] prevHashes = new byte[r][];
    byte[][] hashes = new byte[r][];
    byte[][] signatures = new byte[r][];
    byte[][] encodings = new byte[r][];
    String[] receivedAt = new String[r];
    for (int i = 0; i < r; i++) {
      GroupPlan.NewReading x = readings.get(i);
      devices[i] = x.deviceId();
      channels[i] = x.reading().channel();
      sequences[i] = x.reading().sequence();
      takenAt[i] = x.reading().takenAt().toString();
      imports[i] = x.reading().importWh();
      exports[i] = x.reading().exportWh();
      powers[i] = (long) x.reading().powerW();
      flags[i] = ReadingFlag.toBits(x.reading().flags());
      prevHashes[i] = x.reading().prevHash();
      hashes[i] = x.hash();
      signatures[i] = x.signature();
      encodings[i] = x.encoding();
      receivedAt[i] = x.receivedAt().toString();
    }
    List<GroupPlan.Move> started = plan.moves.stream().filter(m -> m.before() == null).toList();
    List<GroupPlan.Move> moved = plan.moves.stream().filter(m -> m.before() != null).toList();
    try (PreparedStatement ps = c.prepareStatement(WRITE)) {
      int p = 1;
      ps.setArray(p++, c.createArrayOf("int8", nonceDevices));
      ps.setArray(p++, c.createArrayOf("bytea", nonceBytes));
      ps.setArray(p++, c.createArrayOf("timestamptz", sentAt));
      ps.setArray(p++, c.createArrayOf("int8", devices));
      ps.setArray(p++, c.createArrayOf("int4", channels));
      ps.setArray(p++, c.createArrayOf("int8", sequences));
      ps.setArray(p++, c.createArrayOf("timestamptz", takenAt));
      ps.setArray(p++, c.createArrayOf("int8", imports));
      ps.setArray(p++, c.createArrayOf("int8", exports));
      ps.setArray(p++, c.createArrayOf("int8", powers));
      ps.setArray(p++, c.createArrayOf("int4", flags));
      ps.setArray(p++, c.createArrayOf("bytea", prevHashes));
      ps.setArray(p++, c.createArrayOf("bytea", hashes));
      ps.setArray(p++, c.createArrayOf("bytea", signatures));
      ps.setArray(p++, c.createArrayOf("bytea", encodings));
      ps.setArray(p++, c.createArrayOf("timestamptz", receivedAt));
      p = bindTips(c, ps, p, started, false);
      bindTips(c, ps, p, moved, true);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long count = rs.getLong(1);
        if (count != moved.size()) {
          throw new ChainMoved(
              (moved.size() - count) + " of " + moved.size() + " chains moved meanwhile");
        }
      }
    }
  }

  /**
   * Binds the arrays of {@code moves}: device, channel, then (with {@code withBefore}) the tip's
   * sequence and hash before, then the new tip and when it moved.
   */
  private static int bindTips(
      Connection c, PreparedStatement ps, int p, List<GroupPlan.Move> moves, boolean withBefore)
      throws SQLException {
    int n = moves.size();
    Long[] devices = new Long[n];
    Integer[] channels = new Integer[n];
    Long[] wasSequences = new Long[n];
    byte[][] wasHashes = new byte[n][];
    Long[] sequences = new Long[n];
    byte[][] hashes = new byte[n][];
    String[] takenAt = new String[n];
    Long[] imports = new Long[n];
    Long[] exports = new Long[n];
    String[] updatedAt = new String[n];
    for (int i = 0; i < n; i++) {
      GroupPlan.Move m = moves.get(i);
      devices[i] = m.chain().deviceId();
      channels[i] = m.chain().channel();
      if (withBefore) {
        wasSequences[i] = m.before().sequence();
        wasHashes[i] = m.before().hash();
      }
      sequences[i] = m.after().sequence();
      hashes[i] = m.after().hash();
      takenAt[i] = m.after().takenAt().toString();
      imports[i] = m.after().importWh();
      exports[i] = m.after().exportWh();
      updatedAt[i] = m.at().toString();
    }
    ps.setArray(p++, c.createArrayOf("int8", devices));
    ps.setArray(p++, c.createArrayOf("int4", channels));
    if (withBefore) {
      ps.setArray(p++, c.createArrayOf("int8", wasSequences));
      ps.setArray(p++, c.createArrayOf("bytea", wasHashes));
    }
    ps.setArray(p++, c.createArrayOf("int8", sequences));
    ps.setArray(p++, c.createArrayOf("bytea", hashes));
    ps.setArray(p++, c.createArrayOf("timestamptz", takenAt));
    ps.setArray(p++, c.createArrayOf("int8", imports));
    ps.setArray(p++, c.createArrayOf("int8", exports));
    ps.setArray(p++, c.createArrayOf("timestamptz", updatedAt));
    return p;
  }

  private static byte[][] unhex(Collection<String> hex) {
    return hex.stream().map(HexFormat.of()::parseHex).toArray(byte[][]::new);
  }
}
