package io.peerwatt.protocol.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeysAndSignaturesTest {
  private static final String N_MINUS_1 =
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";

  /**
   * Deterministic ECDSA secp256k1/SHA-256 vectors (bitcointalk topic 285142, as used by Trezor,
   * CoreBitcoin and bitcoinj tests), message hashed once with SHA-256, low-S form.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0000000000000000000000000000000000000000000000000000000000000001|Satoshi Nakamoto|"
            + "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8|"
            + "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5",
        "0000000000000000000000000000000000000000000000000000000000000001|"
            + "All those moments will be lost in time, like tears in rain. Time to die...|"
            + "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b|"
            + "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21",
        N_MINUS_1
            + "|Satoshi Nakamoto|"
            + "fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0|"
            + "6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5",
        "f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181|Alan Turing|"
            + "7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c|"
            + "58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea",
        "e91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2|"
            + "There is a computer disease that anybody who works with computers knows about. It's a very"
            + " serious disease and it interferes completely with the work. The trouble with computers is"
            + " that you 'play' with them!|"
            + "b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b|"
            + "279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6",
      })
  void rfc6979Vectors(String privHex, String message, String rHex, String sHex) {
    PrivateKey key = PrivateKey.fromHex(privHex);
    byte[] hash = Hashes.sha256(message.getBytes(StandardCharsets.UTF_8));
    EcdsaSignature sig = key.sign(hash);
    assertThat(sig.r()).isEqualTo(new BigInteger(rHex, 16));
    assertThat(sig.s()).isEqualTo(new BigInteger(sHex, 16));
    assertThat(sig.isLowS()).isTrue();
    byte[] der = key.signDer(hash);
    assertThat(EcdsaSignature.isStrictDer(der)).isTrue();
    assertThat(EcdsaSignature.fromDer(der)).isEqualTo(sig);
    assertThat(key.publicKey().verify(hash, der)).isTrue();
    assertThat(key.publicKey().check(hash, der)).isEqualTo(SignatureCheck.VALID);
  }

  @Test
  void satoshiVectorDerBytes() {
    byte[] hash = Hashes.sha256("Satoshi Nakamoto".getBytes(StandardCharsets.UTF_8));
    assertThat(
            Hex.toHexString(
                PrivateKey.fromHex(
                        "0000000000000000000000000000000000000000000000000000000000000001")
                    .signDer(hash)))
        .isEqualTo(
            "3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
                + "02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
  }

  @Test
  void highSIsRejectedByStrictCheckButAcceptedByRawVerify() {
    PrivateKey key =
        PrivateKey.fromHex("0000000000000000000000000000000000000000000000000000000000000001");
    byte[] hash = Hashes.sha256("Satoshi Nakamoto".getBytes(StandardCharsets.UTF_8));
    EcdsaSignature low = key.sign(hash);
    EcdsaSignature high = new EcdsaSignature(low.r(), Secp256k1.N.subtract(low.s()));
    // the published high-S form of the same vector
    assertThat(high.s().toString(16))
        .isEqualTo("dbbd3162d46e9f9bef7feb87c16dc13b4f6568a87f4e83f728e2443ba586675c");
    assertThat(key.publicKey().check(hash, high.toDer())).isEqualTo(SignatureCheck.HIGH_S);
    assertThat(key.publicKey().verify(hash, high)).isTrue();
    assertThat(high.normalizeS()).isEqualTo(low);
    byte[] otherHash = Hashes.sha256(new byte[] {1});
    assertThat(key.publicKey().check(otherHash, low.toDer())).isEqualTo(SignatureCheck.MISMATCH);
  }

  @Test
  void wifAndAddressesOfKeyOne() {
    PrivateKey one =
        PrivateKey.fromHex("0000000000000000000000000000000000000000000000000000000000000001");
    assertThat(one.publicKey().hex())
        .isEqualTo("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    assertThat(Hex.toHexString(one.publicKey().uncompressedBytes()))
        .isEqualTo(
            "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
    assertThat(Hex.toHexString(one.publicKey().hash160()))
        .isEqualTo("751e76e8199196d454941c45d1b3a323f1433bd6");
    assertThat(one.toWif(Network.MAINNET))
        .isEqualTo("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn");
    assertThat(one.toWif(Network.TESTNET))
        .isEqualTo("cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA");
    assertThat(new WifKey(one, Network.MAINNET, false).encode())
        .isEqualTo("5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf");
    assertThat(one.publicKey().toAddress(Network.MAINNET).encode())
        .isEqualTo("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
    assertThat(one.publicKey().toAddress(Network.TESTNET).encode())
        .isEqualTo("mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r");

    WifKey uncompressed = WifKey.decode("5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf");
    assertThat(uncompressed.compressed()).isFalse();
    assertThat(uncompressed.network()).isEqualTo(Network.MAINNET);
    assertThat(uncompressed.key()).isEqualTo(one);
    assertThat(uncompressed.publicKey().toAddress(Network.MAINNET).encode())
        .isEqualTo("1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm");
    WifKey testnet = WifKey.decode("cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA");
    assertThat(testnet.network()).isEqualTo(Network.TESTNET);
    assertThat(testnet.compressed()).isTrue();

    P2pkhAddress decoded = P2pkhAddress.decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
    assertThat(decoded.network()).isEqualTo(Network.MAINNET);
    assertThat(Hex.toHexString(decoded.lockingScript()))
        .isEqualTo("76a914751e76e8199196d454941c45d1b3a323f1433bd688ac");
  }

  @Test
  void badInputsAreRejected() {
    assertThatThrownBy(() -> PrivateKey.fromHex("00".repeat(32)))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PrivateKey.fromHex(Secp256k1.N.toString(16)))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> WifKey.decode("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWo"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> P2pkhAddress.decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM0"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("Base58");
    // x of the generator with the wrong length, and a point not on the curve
    assertThatThrownBy(
            () ->
                PublicKey.fromHex(
                    "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f817"))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PublicKey.fromHex("04" + "00".repeat(64)))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(
            () ->
                PublicKey.fromHex(
                    "06"
                        + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                        + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"))
        .isInstanceOf(FormatException.class);
  }

  @Test
  void strictDerRules() {
    PrivateKey key =
        PrivateKey.fromHex("0000000000000000000000000000000000000000000000000000000000000001");
    byte[] hash = Hashes.sha256(new byte[] {42});
    byte[] der = key.signDer(hash);
    // trailing byte, wrong sequence length, padded R
    byte[] trailing = java.util.Arrays.copyOf(der, der.length + 1);
    assertThat(EcdsaSignature.isStrictDer(trailing)).isFalse();
    assertThat(key.publicKey().check(hash, trailing)).isEqualTo(SignatureCheck.NOT_STRICT_DER);
    EcdsaSignature sig = EcdsaSignature.fromDer(der);
    byte[] r = sig.r().toByteArray();
    byte[] s = sig.s().toByteArray();
    ByteWriter padded = new ByteWriter();
    padded
        .writeByte(0x30)
        .writeByte(4 + r.length + 1 + s.length)
        .writeByte(0x02)
        .writeByte(r.length + 1)
        .writeByte(0)
        .write(r)
        .writeByte(0x02)
        .writeByte(s.length)
        .write(s);
    byte[] paddedDer = padded.toByteArray();
    assertThat(EcdsaSignature.isStrictDer(paddedDer)).isFalse();
    // the lax parser reads it, and the raw verify accepts it
    assertThat(EcdsaSignature.fromDerLax(paddedDer)).isEqualTo(sig);
    assertThat(EcdsaSignature.fromDerLax(trailing)).isEqualTo(sig);
    assertThat(EcdsaSignature.fromDerLax(new byte[] {0x30})).isNull();
    assertThat(key.publicKey().verify(hash, EcdsaSignature.fromDerLax(paddedDer))).isTrue();
  }

  @Property(tries = 60)
  void signVerifyRoundTrip(@ForAll @Size(32) byte[] secret, @ForAll @Size(32) byte[] hash) {
    BigInteger d = new BigInteger(1, secret);
    if (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0) {
      return;
    }
    PrivateKey key = PrivateKey.fromBytes(secret);
    byte[] der = key.signDer(hash);
    assertThat(EcdsaSignature.fromDer(der).isLowS()).isTrue();
    assertThat(key.publicKey().verify(hash, der)).isTrue();
    assertThat(PublicKey.fromBytes(key.publicKey().bytes())).isEqualTo(key.publicKey());
    assertThat(PublicKey.fromBytes(key.publicKey().uncompressedBytes()).compressed())
        .isEqualTo(key.publicKey());
    assertThat(PrivateKey.fromWif(key.toWif(Network.TESTNET))).isEqualTo(key);
  }

  @Property(tries = 200)
  void base58RoundTrip(@ForAll @Size(max = 40) byte[] data) {
    assertThat(Base58.decode(Base58.encode(data))).isEqualTo(data);
    assertThat(Base58.decodeChecked(Base58.encodeChecked(data))).isEqualTo(data);
  }

  @Test
  void base58KnownValues() {
    assertThat(Base58.encode(Hex.decode("00000000000000000000"))).isEqualTo("1111111111");
    assertThat(Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("2NEpo7TZRRrLZSi2U");
    assertThat(Base58.decode("2NEpo7TZRRrLZSi2U"))
        .isEqualTo("Hello World!".getBytes(StandardCharsets.US_ASCII));
  }
}
