package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteWriter;

/**
 * A private key in Wallet Import Format: Base58Check of {@code version || key32 [|| 0x01]}, version
 * 0x80 (mainnet) or 0xef (testnet), the trailing 0x01 marking that the compressed public key is
 * used.
 *
 * @param key the private key
 * @param network selects the version byte
 * @param compressed whether the public key is used in compressed form
 */
public record WifKey(PrivateKey key, Network network, boolean compressed) {

  public String encode() {
    ByteWriter w = new ByteWriter(34);
    w.writeByte(network.wifVersion()).write(key.bytes());
    if (compressed) {
      w.writeByte(0x01);
    }
    return Base58.encodeChecked(w.toByteArray());
  }

  /**
   * Decodes WIF; {@link FormatException} on a bad checksum, version, length or compression byte.
   */
  public static WifKey decode(String wif) {
    byte[] payload = Base58.decodeChecked(wif);
    boolean compressed;
    if (payload.length == 34) {
      if (payload[33] != 0x01) {
        throw new FormatException("WIF compression flag must be 0x01");
      }
      compressed = true;
    } else if (payload.length == 33) {
      compressed = false;
    } else {
      throw new FormatException("WIF payload must be 33 or 34 bytes, got " + payload.length);
    }
    Network network = Network.fromWifVersion(payload[0] & 0xFF);
    byte[] secret = java.util.Arrays.copyOfRange(payload, 1, 33);
    return new WifKey(PrivateKey.fromBytes(secret), network, compressed);
  }

  /** The public key in the form the WIF flag selects. */
  public PublicKey publicKey() {
    PublicKey pub = key.publicKey();
    return compressed ? pub : PublicKey.fromBytes(pub.uncompressedBytes());
  }

  @Override
  public String toString() {
    return "WifKey["
        + network.code()
        + (compressed ? " compressed " : " uncompressed ")
        + key
        + "]";
  }
}
