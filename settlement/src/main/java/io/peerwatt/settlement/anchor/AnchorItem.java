package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import java.util.Objects;

/**
 * One thing to anchor: its kind, a stable reference naming it (see {@link ItemRef}) and its
 * canonical bytes (a reading's 110-byte encoding, a statement's canonical encoding, a trade's, a
 * report's hash).
 *
 * @param kind what the item is
 * @param ref stable reference, unique per kind
 * @param bytes the canonical item bytes hashed into the leaf
 */
public record AnchorItem(AnchorItemKind kind, String ref, byte[] bytes) {
  public AnchorItem {
    Objects.requireNonNull(kind, "kind");
    if (ref == null || ref.isBlank() || ref.length() > ItemRef.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "item reference must be 1.." + ItemRef.MAX_LENGTH + " characters");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
