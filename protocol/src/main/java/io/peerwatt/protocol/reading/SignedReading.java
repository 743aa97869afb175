package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.util.Arrays;
import java.util.Map;

/**
 * A meter reading with the device's signature: low-S ECDSA secp256k1 over {@link
 * MeterReading#hash()}, strict DER (8..72 bytes). Binary form {@code reading || sigLen (1 byte) ||
 * signature}.
 *
 * @param reading the signed reading
 * @param signature strict DER signature by {@code reading.deviceKey()}
 */
public record SignedReading(MeterReading reading, byte[] signature) {

  public SignedReading {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Signs {@code reading} with the device key; the key must be the reading's deviceKey. */
  public static SignedReading sign(MeterReading reading, PrivateKey deviceKey) {
    if (!deviceKey.publicKey().equals(reading.deviceKey())) {
      throw new IllegalArgumentException(
          "the private key does not belong to the reading's device key");
    }
    return new SignedReading(reading, deviceKey.signDer(reading.hash()));
  }

  /** Checks the signature against the reading's own device key (strict DER, low S, ECDSA). */
  public SignatureCheck verify() {
    return reading.deviceKey().check(reading.hash(), signature);
  }

  /** The reading hash (SHA-256 of the reading encoding). */
  public byte[] hash() {
    return reading.hash();
  }

  public byte[] encode() {
    return ReadingCodec.encode(this);
  }

  public static SignedReading decode(byte[] bytes) {
    return ReadingCodec.decodeSigned(bytes);
  }

  public Map<String, Object> toJson() {
    return ReadingCodec.toJson(this);
  }

  public static SignedReading fromJson(Map<String, Object> json) {
    return ReadingCodec.signedFromJson(json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedReading s
        && reading.equals(s.reading)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return reading.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedReading[" + StrictHex.encode(encode()) + "]";
  }
}
