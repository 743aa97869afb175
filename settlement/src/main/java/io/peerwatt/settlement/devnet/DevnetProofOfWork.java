package io.peerwatt.settlement.devnet;

import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.settlement.chain.ChainHeader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The devnet's block target and the nonce search that meets it: real headers, cheap work. */
final class DevnetProofOfWork {
  /**
   * Compact target with about 2^16 expected hashes per block: 0x00ffff * 256^28 = 2^240 roughly.
   */
  static final long DEVNET_BITS = 0x1f00ffffL;

  static final int BLOCK_VERSION = 0x20000000;

  /**
   * Searches a nonce (and, if the nonce space runs out, a later time) whose header meets the devnet
   * target. The loop hashes in place with one digest; the full target comparison runs only when the
   * hash's top 16 bits are zero (a necessary condition for {@link #DEVNET_BITS}).
   */
  static byte[] solve(byte[] prevHash, byte[] merkleRoot, long time) {
    MessageDigest sha256 = sha256();
    long t = time;
    while (true) {
      byte[] header = ChainHeader.encode(BLOCK_VERSION, prevHash, merkleRoot, t, DEVNET_BITS, 0);
      for (long nonce = 0; nonce <= 0xFFFF_FFFFL; nonce++) {
        header[76] = (byte) nonce;
        header[77] = (byte) (nonce >>> 8);
        header[78] = (byte) (nonce >>> 16);
        header[79] = (byte) (nonce >>> 24);
        sha256.update(header);
        byte[] hash = sha256.digest(sha256.digest());
        if (hash[31] == 0 && hash[30] == 0 && BlockHeader.parse(header).hasValidProofOfWork()) {
          return header;
        }
      }
      t++;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private DevnetProofOfWork() {}
}
