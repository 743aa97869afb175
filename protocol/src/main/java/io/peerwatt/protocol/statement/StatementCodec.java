package io.peerwatt.protocol.statement;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The canonical encoding of a {@link Statement} (what is hashed, stored and later anchored), format
 * 1, all integers big-endian, strings as u16 length + UTF-8, hashes as 32 raw bytes:
 *
 * <pre>
 * magic "PWST" | format u8 = 1 | accountId i64 | zoneCode str | slotStart epoch-second i64
 * | version i32 | previousHash 32 | currency str | priceUnit code u8
 * | rate: satoshisPerUnit i64, marketUnitsPerUnit i64, source str, asOf epoch-second i64, asOf nano i32
 * | boughtWh i64 | soldWh i64 | deliveredWh i64 | importWh i64 | exportWh i64
 * | flags u8 (bit 0 estimated, bit 1 missing)
 * | lineCount i32, per line: kind code u8, tradeId i64, quantityWh i64, pricePerKwh i64, amount i64, amountSat i64
 * | totalAmount i64 | totalSat i64
 * | readingCount i32, per reading: deviceId i64, meterChannel u16, sequence i64, readingHash 32
 * </pre>
 *
 * The same statement always gives the same bytes; the statement hash is SHA-256 of them.
 */
public final class StatementCodec {
  private static final byte[] MAGIC = "PWST".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT = 1;
  private static final HexFormat HEX = HexFormat.of();

  private StatementCodec() {}

  /** The canonical bytes. */
  public static byte[] encode(Statement s) {
    ByteWriter w = new ByteWriter(256 + 41 * s.lines().size() + 50 * s.readings().size());
    w.write(MAGIC).writeByte(FORMAT);
    w.writeInt64BE(s.accountId());
    string(w, s.zoneCode());
    w.writeInt64BE(s.slot().start().getEpochSecond());
    w.writeInt32BE(s.version());
    w.write(HEX.parseHex(s.previousHashHex()));
    string(w, s.currency());
    w.writeByte(s.priceUnit().code());
    ExchangeRate r = s.rate();
    w.writeInt64BE(r.satoshisPerUnit()).writeInt64BE(r.marketUnitsPerUnit());
    string(w, r.source());
    w.writeInt64BE(r.asOf().getEpochSecond()).writeInt32BE(r.asOf().getNano());
    w.writeInt64BE(s.boughtWh()).writeInt64BE(s.soldWh()).writeInt64BE(s.deliveredWh());
    w.writeInt64BE(s.importWh()).writeInt64BE(s.exportWh());
    w.writeByte((s.estimated() ? 1 : 0) | (s.missing() ? 2 : 0));
    w.writeInt32BE(s.lines().size());
    for (StatementLine l : s.lines()) {
      w.writeByte(l.kind().code());
      w.writeInt64BE(l.tradeId()).writeInt64BE(l.quantityWh()).writeInt64BE(l.pricePerKwh());
      w.writeInt64BE(l.amount()).writeInt64BE(l.amountSat());
    }
    w.writeInt64BE(s.totalAmount()).writeInt64BE(s.totalSat());
    w.writeInt32BE(s.readings().size());
    for (ReadingRef ref : s.readings()) {
      w.writeInt64BE(ref.deviceId()).writeUInt16BE(ref.meterChannel()).writeInt64BE(ref.sequence());
      w.write(HEX.parseHex(ref.readingHashHex()));
    }
    return w.toByteArray();
  }

  /** SHA-256 of the canonical bytes. */
  public static byte[] hash(Statement s) {
    return Hashes.sha256(encode(s));
  }

  /** {@link #hash} as lowercase hex. */
  public static String hashHex(Statement s) {
    return HEX.formatHex(hash(s));
  }

  /**
   * Reads canonical bytes back.
   *
   * @throws io.peerwatt.protocol.FormatException if the bytes are not a format-1 statement
   * @throws IllegalArgumentException if they decode to an inconsistent statement
   */
  public static Statement decode(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    byte[] magic = r.readBytes(4, "magic");
    int format = r.readByte("format");
    if (!java.util.Arrays.equals(magic, MAGIC) || format != FORMAT) {
      throw new IllegalArgumentException("not a format-1 PeerWatt statement");
    }
    long accountId = r.readInt64BE("accountId");
    String zone = string(r, "zoneCode");
    DeliverySlot slot = new DeliverySlot(Instant.ofEpochSecond(r.readInt64BE("slotStart")));
    int version = r.readInt32BE("version");
    String previous = HEX.formatHex(r.readBytes(32, "previousHash"));
    String currency = string(r, "currency");
    PriceUnit unit = PriceUnit.ofCode(r.readByte("priceUnit"));
    long satPerUnit = r.readInt64BE("satoshisPerUnit");
    long unitsPerUnit = r.readInt64BE("marketUnitsPerUnit");
    String source = string(r, "rateSource");
    long asOfSecond = r.readInt64BE("rateAsOf");
    int asOfNano = r.readInt32BE("rateAsOfNano");
    ExchangeRate rate =
        new ExchangeRate(
            currency,
            satPerUnit,
            unitsPerUnit,
            source,
            Instant.ofEpochSecond(asOfSecond, asOfNano));
    long bought = r.readInt64BE("boughtWh");
    long sold = r.readInt64BE("soldWh");
    long delivered = r.readInt64BE("deliveredWh");
    long imported = r.readInt64BE("importWh");
    long exported = r.readInt64BE("exportWh");
    int flags = r.readByte("flags");
    if ((flags & ~3) != 0) {
      throw new IllegalArgumentException("unknown statement flags " + flags);
    }
    int lineCount = count(r, "lineCount", 41);
    List<StatementLine> lines = new ArrayList<>(lineCount);
    for (int i = 0; i < lineCount; i++) {
      LineKind kind = LineKind.ofCode(r.readByte("kind"));
      lines.add(
          new StatementLine(
              kind,
              r.readInt64BE("tradeId"),
              r.readInt64BE("quantityWh"),
              r.readInt64BE("pricePerKwh"),
              r.readInt64BE("amount"),
              r.readInt64BE("amountSat")));
    }
    long totalAmount = r.readInt64BE("totalAmount");
    long totalSat = r.readInt64BE("totalSat");
    int refCount = count(r, "readingCount", 50);
    List<ReadingRef> refs = new ArrayList<>(refCount);
    for (int i = 0; i < refCount; i++) {
      refs.add(
          new ReadingRef(
              r.readInt64BE("deviceId"),
              r.readUInt16BE("meterChannel"),
              r.readInt64BE("sequence"),
              HEX.formatHex(r.readBytes(32, "readingHash"))));
    }
    r.expectEnd("statement");
    return new Statement(
        accountId,
        zone,
        slot,
        version,
        previous,
        currency,
        unit,
        rate,
        bought,
        sold,
        delivered,
        imported,
        exported,
        (flags & 1) != 0,
        (flags & 2) != 0,
        lines,
        totalAmount,
        totalSat,
        refs);
  }

  private static int count(ByteReader r, String what, int itemSize) {
    int n = r.readInt32BE(what);
    if (n < 0 || (long) n * itemSize > r.remaining()) {
      throw new IllegalArgumentException(what + " " + n + " does not fit the remaining bytes");
    }
    return n;
  }

  private static void string(ByteWriter w, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("string too long for the statement encoding");
    }
    w.writeUInt16BE(b.length).write(b);
  }

  private static String string(ByteReader r, String what) {
    int n = r.readUInt16BE(what);
    return new String(r.readBytes(n, what), StandardCharsets.UTF_8);
  }
}
