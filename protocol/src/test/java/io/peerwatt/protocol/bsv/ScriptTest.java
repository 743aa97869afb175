package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class ScriptTest {
  @Test
  void p2pkhBuilderAndAsm() {
    byte[] hash = Hex.decode("660d4ef3a743e3e696ad990364e555c271ad504b");
    Script s = Script.p2pkh(hash);
    assertThat(s.toHex()).isEqualTo("76a914660d4ef3a743e3e696ad990364e555c271ad504b88ac");
    assertThat(s.toAsm())
        .isEqualTo(
            "OP_DUP OP_HASH160 660d4ef3a743e3e696ad990364e555c271ad504b OP_EQUALVERIFY OP_CHECKSIG");
    assertThat(s.p2pkhHash()).isEqualTo(hash);
  }

  @Test
  void multisigBuilder() {
    byte[] k1 = Hex.decode("02" + "11".repeat(32));
    byte[] k2 = Hex.decode("03" + "22".repeat(32));
    Script s = Script.multisig(2, List.of(k1, k2));
    assertThat(s.toAsm())
        .isEqualTo("2 " + Hex.toHexString(k1) + " " + Hex.toHexString(k2) + " 2 OP_CHECKMULTISIG");
    assertThat(s.bytes()[0]).isEqualTo((byte) 0x52);
    assertThatThrownBy(() -> Script.multisig(3, List.of(k1, k2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void opReturnUsesMinimalPushes() {
    byte[] big = new byte[300];
    Script s =
        Script.opReturn(
            List.of(
                "peerwatt".getBytes(StandardCharsets.US_ASCII), new byte[] {5}, new byte[0], big));
    byte[] b = s.bytes();
    assertThat(Hex.toHexString(b, 0, 13)).isEqualTo("006a087065657277617474" + "55" + "00");
    assertThat(Hex.toHexString(b, 13, 3)).isEqualTo("4d2c01");
    assertThat(s.isOpReturnData()).isTrue();
    assertThat(s.toAsm()).startsWith("0 OP_RETURN 7065657277617474 5 0 0000");
    // every push is minimal, so MINIMALDATA accepts the script
    for (ScriptChunk c : s.chunks()) {
      if (c.isPushData()) {
        assertThat(Interpreter.isMinimalPush(c.data(), c.opcode())).isTrue();
      }
    }
  }

  @Test
  void asmMatchesTheNodeForNumbersAndErrors() {
    assertThat(Script.fromHex("02ab").toAsm()).isEqualTo("[error]");
    assertThat(Script.fromHex("020102").toAsm()).isEqualTo("513");
    assertThat(Script.fromHex("0181").toAsm()).isEqualTo("-1");
    assertThat(Script.fromHex("4f00").toAsm()).isEqualTo("-1 0");
    assertThat(Script.fromHex("51ab").toAsm()).isEqualTo("1 OP_CODESEPARATOR");
    assertThat(Script.fromHex("ba").toAsm()).isEqualTo("OP_UNKNOWN");
    assertThat(Script.fromHex("76a902").toAsm()).isEqualTo("OP_DUP OP_HASH160 [error]");
  }

  @Test
  void asmDecodesSighashOfSignatures() {
    String der =
        "3044022027deccc14aa6668e78a8c9da3484fbcd4f9dcc9bb7d1b85146314b21b9ae4d86"
            + "022033e0f1cb7c0c3b8a1d64a6ba9b7f8c3a92ea0c6e0cb8e0f5e8c8f1c1a1b2c3d4";
    Script s = Script.fromHex("47" + der + "41");
    assertThat(s.toAsmDecodingSighash()).isEqualTo(der + "[ALL|FORKID]");
    assertThat(s.toAsm()).isEqualTo(der + "41");
    assertThat(Script.fromHex("006a47" + der + "41").toAsmDecodingSighash())
        .isEqualTo("0 OP_RETURN " + der + "41");
  }

  @Test
  void chunksRejectTruncatedPush() {
    assertThatThrownBy(() -> Script.fromHex("4c05aa").chunks()).isInstanceOf(FormatException.class);
    assertThat(Script.fromHex("4c01aa").chunks())
        .containsExactly(new ScriptChunk(0x4c, new byte[] {(byte) 0xaa}));
  }

  @Property(tries = 200)
  void minimalPushRoundTrips(@ForAll @Size(max = 600) byte[] data) {
    List<ScriptChunk> chunks = Script.of(Script.minimalPush(data)).chunks();
    assertThat(chunks).hasSize(1);
    ScriptChunk c = chunks.get(0);
    assertThat(Interpreter.isMinimalPush(data, c.opcode())).isTrue();
    if (c.isPushData()) {
      assertThat(c.data()).isEqualTo(data);
    } else {
      // OP_1NEGATE, OP_1..OP_16 push the number they name
      int op = c.opcode();
      byte expected = op == Opcodes.OP_1NEGATE ? (byte) 0x81 : (byte) (op - Opcodes.OP_1 + 1);
      assertThat(data).containsExactly(expected);
    }
  }

  @Property(tries = 300)
  void chunksSerializeBackToTheSameBytes(@ForAll @Size(max = 200) byte[] raw) {
    Script s = Script.of(raw);
    List<ScriptChunk> chunks;
    try {
      chunks = s.chunks();
    } catch (FormatException e) {
      assertThat(s.toAsm()).endsWith("[error]");
      return;
    }
    assertThat(Script.fromChunks(chunks)).isEqualTo(s);
    assertThat(s.toAsm()).doesNotContain("[error]");
  }

  @Test
  void fromChunksKeepsNonMinimalPushes() {
    Script s = Script.fromHex("4c0105" + "4d0100ff");
    assertThat(Script.fromChunks(s.chunks())).isEqualTo(s);
    assertThatThrownBy(() -> Script.fromChunks(List.of(new ScriptChunk(2, new byte[] {1}))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void asmParsesBackToTheCanonicalScript() {
    Script p2pkh = Script.p2pkh(Hex.decode("660d4ef3a743e3e696ad990364e555c271ad504b"));
    assertThat(Script.fromAsm(p2pkh.toAsm())).isEqualTo(p2pkh);
    Script data =
        Script.opReturn(
            List.of("peerwatt".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 2, 3}));
    assertThat(Script.fromAsm(data.toAsm())).isEqualTo(data);
    assertThat(Script.fromAsm("-1 0 16 1000 OP_ADD CHECKSIG").toHex())
        .isEqualTo("4f006002e80393ac");
    String der =
        "3044022027deccc14aa6668e78a8c9da3484fbcd4f9dcc9bb7d1b85146314b21b9ae4d86"
            + "022033e0f1cb7c0c3b8a1d64a6ba9b7f8c3a92ea0c6e0cb8e0f5e8c8f1c1a1b2c3d4";
    assertThat(Script.fromAsm(der + "[ALL|FORKID]").toHex()).isEqualTo("47" + der + "41");
    assertThatThrownBy(() -> Script.fromAsm("OP_BOGUS")).isInstanceOf(FormatException.class);
  }

  @Property(tries = 200)
  void asmRoundTripsForDataLongerThanANumber(
      @ForAll @Size(max = 5) List<@Size(min = 5, max = 80) byte[]> parts) {
    // pushes of up to 4 bytes show as numbers, which the ASM cannot tell from other encodings of
    // that number;
    // and the node's ASM reads an all-decimal-digit token (such as the hex of 00 00 00 00 00) as a
    // number
    net.jqwik.api.Assume.that(
        parts.stream().noneMatch(p -> java.util.HexFormat.of().formatHex(p).matches("[0-9]+")));
    Script s = Script.opReturn(parts);
    assertThat(Script.fromAsm(s.toAsm())).isEqualTo(s);
  }
}
