package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.util.Arrays;

/**
 * A pay-to-public-key-hash address: Base58Check of {@code version || hash160}, version 0x00 on
 * mainnet and 0x6f on testnet.
 *
 * @param network selects the version byte
 * @param pubKeyHash HASH160 of the public key, 20 bytes
 */
public record P2pkhAddress(Network network, byte[] pubKeyHash) {

  public P2pkhAddress {
    if (pubKeyHash.length != 20) {
      throw new IllegalArgumentException("public key hash must be 20 bytes");
    }
    pubKeyHash = pubKeyHash.clone();
  }

  @Override
  public byte[] pubKeyHash() {
    return pubKeyHash.clone();
  }

  /** The address of {@code key} in the form it is held (compressed keys give the usual address). */
  public static P2pkhAddress of(PublicKey key, Network network) {
    return new P2pkhAddress(network, key.hash160());
  }

  /**
   * Decodes a Base58Check address; {@link FormatException} on a bad checksum, length or version.
   */
  public static P2pkhAddress decode(String address) {
    byte[] payload = Base58.decodeChecked(address);
    if (payload.length != 21) {
      throw new FormatException("P2PKH address payload must be 21 bytes, got " + payload.length);
    }
    return new P2pkhAddress(
        Network.fromP2pkhVersion(payload[0] & 0xFF), Arrays.copyOfRange(payload, 1, 21));
  }

  public String encode() {
    return Base58.encodeChecked(
        new ByteWriter(21).writeByte(network.p2pkhVersion()).write(pubKeyHash).toByteArray());
  }

  /** The locking script {@code OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG}, 25 bytes. */
  public byte[] lockingScript() {
    return new ByteWriter(25)
        .writeByte(0x76)
        .writeByte(0xa9)
        .writeByte(0x14)
        .write(pubKeyHash)
        .writeByte(0x88)
        .writeByte(0xac)
        .toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof P2pkhAddress other
        && network == other.network
        && Arrays.equals(pubKeyHash, other.pubKeyHash);
  }

  @Override
  public int hashCode() {
    return 31 * network.hashCode() + Arrays.hashCode(pubKeyHash);
  }

  @Override
  public String toString() {
    return encode();
  }
}
