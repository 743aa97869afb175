package io.peerwatt.settlement.allocation;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.statement.AcceptedReading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/** Test readings (channel 0) with a hash derived from their fields. */
public final class Readings {
  private Readings() {}

  public static AcceptedReading reading(
      long device, long sequence, Instant at, long importWh, long exportWh) {
    byte[] hash =
        Hashes.sha256(
            (device + "/" + sequence + "/" + at + "/" + importWh + "/" + exportWh)
                .getBytes(StandardCharsets.UTF_8));
    return new AcceptedReading(
        device, 0, sequence, at, importWh, exportWh, HexFormat.of().formatHex(hash));
  }
}
