package io.peerwatt.cluster.ingest;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.ingest.ReadingIngest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An upload batch as a {@code peerwatt.readings} record's value: everything its signatures cover
 * (device key, nonce, sentAt, each signed reading in the protocol's binary form, the batch
 * signature), so the writer checks and stores it exactly as the node that took it did.
 */
final class BatchCodec {
  private static final int VERSION = 1;

  private BatchCodec() {}

  static byte[] encode(ReadingIngest.Batch batch) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + batch.readings().size() * 190);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeBytes(out, batch.deviceKey().compressedBytes());
      writeBytes(out, batch.nonce());
      out.writeLong(batch.sentAt().getEpochSecond());
      out.writeInt(batch.sentAt().getNano());
      writeBytes(out, batch.signature());
      out.writeInt(batch.readings().size());
      for (SignedReading r : batch.readings()) {
        writeBytes(out, ReadingCodec.encode(r));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws FormatException when {@code value} is not a batch this version wrote
   */
  static ReadingIngest.Batch decode(byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new FormatException("readings record version " + version + " is not " + VERSION);
      }
      PublicKey deviceKey = PublicKey.fromBytes(readBytes(in));
      byte[] nonce = readBytes(in);
      Instant sentAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
      byte[] signature = readBytes(in);
      int count = in.readInt();
      if (count < 0 || count > ReadingIngest.MAX_READINGS) {
        throw new FormatException("readings record holds " + count + " readings");
      }
      List<SignedReading> readings = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        readings.add(ReadingCodec.decodeSigned(readBytes(in)));
      }
      if (in.available() > 0) {
        throw new FormatException("readings record has bytes after its last reading");
      }
      return new ReadingIngest.Batch(deviceKey, nonce, sentAt, readings, signature);
    } catch (IOException e) {
      throw new FormatException("readings record is cut short: " + e.getMessage());
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeShort(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readUnsignedShort()];
    in.readFully(b);
    return b;
  }
}
