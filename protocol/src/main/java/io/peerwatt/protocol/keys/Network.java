package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;

/**
 * The BSV network a key or address belongs to, with its Base58Check version bytes. {@code code} is
 * the stable identifier for configuration and storage (never the ordinal).
 */
public enum Network {
  MAINNET("mainnet", 0x00, 0x80),
  /** Testnet, also used by regtest and PeerWatt's devnet. */
  TESTNET("testnet", 0x6f, 0xef);

  private final String code;
  private final int p2pkhVersion;
  private final int wifVersion;

  Network(String code, int p2pkhVersion, int wifVersion) {
    this.code = code;
    this.p2pkhVersion = p2pkhVersion;
    this.wifVersion = wifVersion;
  }

  public String code() {
    return code;
  }

  /** Version byte of a P2PKH address. */
  public int p2pkhVersion() {
    return p2pkhVersion;
  }

  /** Version byte of a WIF private key. */
  public int wifVersion() {
    return wifVersion;
  }

  public static Network fromCode(String code) {
    for (Network n : values()) {
      if (n.code.equals(code)) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown network: " + code);
  }

  static Network fromWifVersion(int version) {
    for (Network n : values()) {
      if (n.wifVersion == version) {
        return n;
      }
    }
    throw new FormatException("unknown WIF version byte 0x" + Integer.toHexString(version));
  }

  static Network fromP2pkhVersion(int version) {
    for (Network n : values()) {
      if (n.p2pkhVersion == version) {
        return n;
      }
    }
    throw new FormatException(
        "unknown P2PKH address version byte 0x" + Integer.toHexString(version));
  }
}
