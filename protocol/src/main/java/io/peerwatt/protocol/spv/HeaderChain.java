package io.peerwatt.protocol.spv;

import io.peerwatt.protocol.encoding.StrictHex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of consecutive block headers the verifier trusts (from its own node or headers service),
 * starting at {@code startHeight}. Whether the run is internally consistent is checked by {@link
 * #firstBrokenLink()}, not assumed. Block hashes are indexed once, so lookups stay cheap on long
 * chains. Immutable.
 */
public final class HeaderChain {
  private final long startHeight;
  private final List<BlockHeader> headers;
  private final List<byte[]> hashes;
  private final Map<String, Integer> indexByHash;

  /**
   * @param startHeight height of the first header
   * @param headers consecutive headers, oldest first
   */
  public HeaderChain(long startHeight, List<BlockHeader> headers) {
    if (startHeight < 0) {
      throw new IllegalArgumentException("height must not be negative");
    }
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("a header chain has at least one header");
    }
    this.startHeight = startHeight;
    this.headers = List.copyOf(headers);
    this.hashes = new ArrayList<>(headers.size());
    this.indexByHash = new HashMap<>();
    for (int i = 0; i < this.headers.size(); i++) {
      byte[] hash = this.headers.get(i).hash();
      hashes.add(hash);
      indexByHash.putIfAbsent(StrictHex.encode(hash), i);
    }
  }

  public long startHeight() {
    return startHeight;
  }

  public List<BlockHeader> headers() {
    return headers;
  }

  /** Height of the last header. */
  public long tipHeight() {
    return startHeight + headers.size() - 1;
  }

  /**
   * The height of the header with this hash (internal order), or -1 when it is not in the chain.
   */
  public long heightOf(byte[] blockHash) {
    Integer i = indexByHash.get(StrictHex.encode(blockHash));
    return i == null ? -1 : startHeight + i;
  }

  /**
   * The index of the first header that lacks valid proof of work or does not follow its
   * predecessor, or -1 when the whole run is sound.
   */
  public int firstBrokenLink() {
    for (int i = 0; i < headers.size(); i++) {
      BlockHeader h = headers.get(i);
      if (!h.hasValidProofOfWork()
          || (i > 0 && !java.util.Arrays.equals(h.prevHash(), hashes.get(i - 1)))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "HeaderChain[" + startHeight + ".." + tipHeight() + "]";
  }
}
