package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Post-Genesis behaviour beyond the node's vectors, and the shape of error messages. */
class InterpreterTest {
  static final int GENESIS = ScriptFlags.UTXO_AFTER_GENESIS | ScriptFlags.GENESIS;

  static ScriptResult run(String sig, String pub, int flags) {
    return ScriptTestsVectorTest.run(sig, pub, flagNames(flags), 0, 1);
  }

  static String flagNames(int flags) {
    StringBuilder sb = new StringBuilder();
    for (String name :
        new String[] {
          "P2SH", "STRICTENC", "MINIMALDATA", "UTXO_AFTER_GENESIS", "GENESIS", "SIGPUSHONLY"
        }) {
      if ((flags & ScriptFlags.parse(name)) != 0) {
        sb.append(sb.length() == 0 ? "" : ",").append(name);
      }
    }
    return sb.toString();
  }

  @Test
  void bigNumbersAfterGenesis() {
    // 2^64 * 2^64 = 2^128, far beyond 4-byte operands
    String twoTo64 = "0x09 0x000000000000000001";
    String twoTo128 = "0x11 0x0000000000000000000000000000000001";
    assertThat(run(twoTo64 + " DUP MUL", twoTo128 + " EQUAL", GENESIS).ok()).isTrue();
    assertThat(run(twoTo64 + " DUP MUL", twoTo128 + " EQUAL", 0).error())
        .isEqualTo(ScriptError.SCRIPTNUM_OVERFLOW);
    byte[] big = ScriptNum.encode(BigInteger.TWO.pow(1000).negate());
    assertThat(ScriptNum.decode(big, 1000, true)).isEqualTo(BigInteger.TWO.pow(1000).negate());
  }

  @Test
  void opReturnEndsTheScriptSuccessfullyAfterGenesis() {
    assertThat(run("1", "RETURN 0x02 0xff", GENESIS).ok()).isTrue();
    assertThat(run("1", "RETURN 0x02 0xff", 0).error()).isEqualTo(ScriptError.OP_RETURN);
    assertThat(run("0", "RETURN", GENESIS).error()).isEqualTo(ScriptError.EVAL_FALSE);
    // inside IF: the rest is not executed but must still be well formed
    assertThat(run("1", "1 IF RETURN ENDIF", GENESIS).ok()).isTrue();
    assertThat(run("1", "1 IF RETURN", GENESIS).error())
        .isEqualTo(ScriptError.UNBALANCED_CONDITIONAL);
  }

  @Test
  void lockTimeOpcodesAreNopsAfterGenesis() {
    assertThat(run("1", "500000000 CHECKLOCKTIMEVERIFY DROP", GENESIS).ok()).isTrue();
    assertThat(run("1", "100 CHECKSEQUENCEVERIFY DROP", GENESIS).ok()).isTrue();
  }

  @Test
  void spliceAndConversion() {
    assertThat(run("'peer' 'watt' CAT", "'peerwatt' EQUAL", GENESIS).ok()).isTrue();
    assertThat(run("'peerwatt' 4 SPLIT", "'watt' EQUALVERIFY 'peer' EQUAL", GENESIS).ok()).isTrue();
    assertThat(run("'peerwatt' 9 SPLIT", "1", GENESIS).error()).isEqualTo(ScriptError.SPLIT_RANGE);
    assertThat(run("-5 4 NUM2BIN", "0x04 0x05000080 EQUAL", GENESIS).ok()).isTrue();
    assertThat(run("0x04 0x05000080 BIN2NUM", "-5 EQUAL", GENESIS).ok()).isTrue();
    assertThat(run("0x02 0x0102 1 NUM2BIN", "1", GENESIS).error())
        .isEqualTo(ScriptError.IMPOSSIBLE_ENCODING);
    assertThat(run("0x02 0x8001 1 LSHIFT", "0x02 0x0002 EQUAL", GENESIS).ok()).isTrue();
    assertThat(run("0x02 0x8001 9 RSHIFT", "0x02 0x0040 EQUAL", GENESIS).ok()).isTrue();
  }

  @Test
  void hugeAllocationsHitTheMemoryCapInsteadOfTheHeap() {
    ScriptResult r = run("1 0x04 0x00e1f505 NUM2BIN", "1", GENESIS);
    assertThat(r.error()).isEqualTo(ScriptError.STACK_SIZE);
  }

  @Test
  void errorsNameTheOpcodeAndWhere() {
    ScriptResult r = run("1 2", "EQUALVERIFY 1", GENESIS);
    assertThat(r.error()).isEqualTo(ScriptError.EQUALVERIFY);
    assertThat(r.message())
        .contains("OP_EQUALVERIFY")
        .contains("byte 0")
        .contains("locking script");
    ScriptResult bad = run("1", "1 0xba", GENESIS);
    assertThat(bad.error()).isEqualTo(ScriptError.BAD_OPCODE);
    assertThat(bad.message()).contains("OP_UNKNOWN at byte 1");
    assertThat(ScriptError.NULLFAIL.code()).isEqualTo(39);
  }

  @Test
  void minimalDataAndPushOnly() {
    assertThat(run("0x01 0x05", "5 EQUAL", GENESIS | ScriptFlags.MINIMALDATA).error())
        .isEqualTo(ScriptError.MINIMALDATA);
    assertThat(run("5", "5 EQUAL", GENESIS | ScriptFlags.MINIMALDATA).ok()).isTrue();
    assertThat(run("1 DUP", "EQUAL", GENESIS | ScriptFlags.SIGPUSHONLY).error())
        .isEqualTo(ScriptError.SIG_PUSHONLY);
  }

  @Test
  void chronicleNumericShiftsFollowTheNode() {
    String flags = "UTXO_AFTER_GENESIS,UTXO_AFTER_CHRONICLE";
    assertThat(ScriptTestsVectorTest.run("1 8", "LSHIFTNUM 0x02 0x0001 EQUAL", flags, 0, 1).ok())
        .isTrue();
    assertThat(ScriptTestsVectorTest.run("-5 1", "RSHIFTNUM -2 EQUAL", flags, 0, 1).ok()).isTrue();
    assertThat(
            ScriptTestsVectorTest.run("1 0x05 0x0000008000", "RSHIFTNUM DROP 1", flags, 0, 1)
                .error())
        .isEqualTo(ScriptError.BIG_INT);
    assertThat(
            ScriptTestsVectorTest.run("1 0x04 0xffffff7f", "RSHIFTNUM 0 EQUAL", flags, 0, 1).ok())
        .isTrue();
    assertThat(
            ScriptTestsVectorTest.run("1 0x04 0xffffff7f", "LSHIFTNUM DROP 1", flags, 0, 1).error())
        .isEqualTo(ScriptError.SCRIPTNUM_OVERFLOW);
    assertThat(ScriptTestsVectorTest.run("1 -1", "LSHIFTNUM DROP 1", flags, 0, 1).error())
        .isEqualTo(ScriptError.INVALID_NUMBER_RANGE);
    // before Chronicle they are upgradable NOPs
    assertThat(
            ScriptTestsVectorTest.run(
                    "1 0x05 0x0000008000", "RSHIFTNUM DROP", "UTXO_AFTER_GENESIS", 0, 1)
                .ok())
        .isTrue();
  }

  @Test
  void hugeMultisigKeyCountIsAStackErrorNotACrash() {
    assertThat(run("0 0", "0x04 0xffffff7f CHECKMULTISIG", GENESIS).error())
        .isEqualTo(ScriptError.INVALID_STACK_OPERATION);
    assertThat(run("0 0", "0x04 0xffffff7f CHECKMULTISIG", 0).error())
        .isEqualTo(ScriptError.PUBKEY_COUNT);
  }
}
