package io.peerwatt.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * A run of consecutive block headers the verifier trusts (from its own node or headers service),
 * starting at {@code startHeight}. Whether the run is internally consistent is checked by
 * {@link #firstBrokenLink()}, not assumed.
 *
 * @param startHeight height of the first header
 * @param headers consecutive headers, oldest first
 */
public record HeaderChain(long startHeight, List<BlockHeader> headers) {

  public HeaderChain {
    if (startHeight < 0) {
      throw new IllegalArgumentException("height must not be negative");
    }
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("a header chain has at least one header");
    }
    headers = List.copyOf(headers);
  }

  /** The height of the header with this hash (internal order), or -1 when it is not in the chain. */
  public long heightOf(byte[] blockHash) {
    for (int i = 0; i < headers.size(); i++) {
      if (Arrays.equals(headers.get(i).hash(), blockHash)) {
        return startHeight + i;
      }
    }
    return -1;
  }

  /**
   * The index of the first header that lacks valid proof of work or does not follow its predecessor,
   * or -1 when the whole run is sound.
   */
  public int firstBrokenLink() {
    for (int i = 0; i < headers.size(); i++) {
      BlockHeader h = headers.get(i);
      if (!h.hasValidProofOfWork() || (i > 0 && !h.follows(headers.get(i - 1)))) {
        return i;
      }
    }
    return -1;
  }
}
