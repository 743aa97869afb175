package io.peerwatt.trading.ingest;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A batch after the work that needs no database: its time window and batch signature (refused whole
 * when either fails), and each reading's encoding, hash and signature check, computed once here and
 * used by every later step.
 *
 * @param receivedAt the platform clock when the batch arrived: its readings' receivedAt, and what
 *     their takenAt is held against
 * @param signatureValid per reading: its signature verifies against its own device key
 */
record CheckedBatch(
    ReadingIngest.Batch batch,
    Instant receivedAt,
    byte[][] encodings,
    byte[][] hashes,
    boolean[] signatureValid) {

  /**
   * Checks {@code batch} as it arrived at {@code now}: CPU only, any thread.
   *
   * @throws IngestRefusal STALE_BATCH or BAD_BATCH_SIGNATURE
   */
  static CheckedBatch check(ReadingIngest.Batch batch, Instant now, Duration maxSkew) {
    if (batch.sentAt().isAfter(now.plus(maxSkew))
        || batch.sentAt().isBefore(now.minus(ReadingIngest.NONCE_WINDOW))) {
      throw new IngestRefusal(
          IngestRefusal.Reason.STALE_BATCH,
          "sentAt must be within "
              + ReadingIngest.NONCE_WINDOW.toHours()
              + " h before and "
              + maxSkew.toSeconds()
              + " s after the platform clock");
    }
    List<SignedReading> readings = batch.readings();
    int n = readings.size();
    byte[][] encodings = new byte[n][];
    byte[][] hashes = new byte[n][];
    for (int i = 0; i < n; i++) {
      encodings[i] = readings.get(i).reading().encode();
      hashes[i] = Hashes.sha256(encodings[i]);
    }
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(batch.nonce(), batch.sentAt(), Arrays.asList(hashes));
    if (batch.deviceKey().check(digest, batch.signature()) != SignatureCheck.VALID) {
      throw new IngestRefusal(
          IngestRefusal.Reason.BAD_BATCH_SIGNATURE,
          "the batch signature does not verify with deviceKey");
    }
    boolean[] valid = new boolean[n];
    for (int i = 0; i < n; i++) {
      SignedReading s = readings.get(i);
      valid[i] = s.reading().deviceKey().check(hashes[i], s.signature()) == SignatureCheck.VALID;
    }
    return new CheckedBatch(batch, now, encodings, hashes, valid);
  }

  int size() {
    return encodings.length;
  }

  MeterReading reading(int i) {
    return batch.readings().get(i).reading();
  }

  /** The batch's device key, compressed, as the device table keeps it. */
  byte[] deviceKey() {
    return batch.deviceKey().compressedBytes();
  }

  /** The device key in hex: the key of the group's per-device maps. */
  String deviceKeyHex() {
    return HexFormat.of().formatHex(deviceKey());
  }

  String nonceHex() {
    return HexFormat.of().formatHex(batch.nonce());
  }
}
