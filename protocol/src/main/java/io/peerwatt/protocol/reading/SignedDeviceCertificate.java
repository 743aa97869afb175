package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * A device certificate with the issuer's (platform's) low-S strict-DER ECDSA signature over {@link
 * DeviceCertificate#hash()}. Binary form {@code certificate || sigLen (1 byte) || signature}.
 *
 * @param certificate the statement
 * @param signature strict DER signature by {@code certificate.issuerKey()}
 */
public record SignedDeviceCertificate(DeviceCertificate certificate, byte[] signature) {

  public SignedDeviceCertificate {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Signs with the platform key, which must be the certificate's issuerKey. */
  public static SignedDeviceCertificate sign(
      DeviceCertificate certificate, PrivateKey platformKey) {
    if (!platformKey.publicKey().equals(certificate.issuerKey())) {
      throw new IllegalArgumentException("the private key is not the certificate's issuer key");
    }
    return new SignedDeviceCertificate(certificate, platformKey.signDer(certificate.hash()));
  }

  /**
   * Checks only that the trusted platform key issued this certificate (issuer and signature), not
   * when it is valid: what an anchored enrolment proves is the issuance itself.
   */
  public CertificateCheck checkIssuer(PublicKey trustedPlatformKey) {
    if (!certificate.issuerKey().equals(trustedPlatformKey)) {
      return CertificateCheck.UNTRUSTED_ISSUER;
    }
    if (trustedPlatformKey.check(certificate.hash(), signature) != SignatureCheck.VALID) {
      return CertificateCheck.BAD_SIGNATURE;
    }
    return CertificateCheck.VALID;
  }

  /** Checks issuer, signature and that {@code at} lies in the validity period. */
  public CertificateCheck check(PublicKey trustedPlatformKey, Instant at) {
    CertificateCheck issuer = checkIssuer(trustedPlatformKey);
    if (issuer != CertificateCheck.VALID) {
      return issuer;
    }
    if (at.isBefore(certificate.validFrom())) {
      return CertificateCheck.NOT_YET_VALID;
    }
    if (!at.isBefore(certificate.validTo())) {
      return CertificateCheck.EXPIRED;
    }
    return CertificateCheck.VALID;
  }

  /**
   * {@link #check} for a reading: also requires the reading's device key to be the certified one.
   */
  public CertificateCheck checkCovers(PublicKey trustedPlatformKey, MeterReading reading) {
    if (!certificate.deviceKey().equals(reading.deviceKey())) {
      return CertificateCheck.WRONG_DEVICE;
    }
    return check(trustedPlatformKey, reading.takenAt());
  }

  public byte[] encode() {
    byte[] body = certificate.encode();
    return new ByteWriter(body.length + 1 + signature.length)
        .write(body)
        .writeByte(signature.length)
        .write(signature)
        .toByteArray();
  }

  public static SignedDeviceCertificate decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    DeviceCertificate c = DeviceCertificate.read(in);
    int len = in.readByte("signature length");
    if (len < 8 || len > 72) {
      throw new FormatException("signature length must be in [8, 72], got " + len);
    }
    byte[] sig = in.readBytes(len, "signature");
    in.expectEnd("signed device certificate");
    return new SignedDeviceCertificate(c, sig);
  }

  /** The certificate's JSON fields followed by signature (DER hex). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = certificate.toJson();
    m.put("signature", StrictHex.encode(signature));
    return m;
  }

  public static SignedDeviceCertificate fromJson(Map<String, Object> m) {
    Json.requireOnly(
        m,
        "signed device certificate",
        "version",
        "serial",
        "deviceKey",
        "meteringPointId",
        "ownerAccountId",
        "zoneCode",
        "validFrom",
        "validTo",
        "issuerKey",
        "signature");
    byte[] sig = StrictHex.decode(Json.string(m, "signature"), "signature");
    if (sig.length < 8 || sig.length > 72) {
      throw new FormatException("signature length must be in [8, 72], got " + sig.length);
    }
    return new SignedDeviceCertificate(DeviceCertificate.fields(m), sig);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedDeviceCertificate s
        && certificate.equals(s.certificate)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return certificate.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedDeviceCertificate[" + StrictHex.encode(encode()) + "]";
  }
}
