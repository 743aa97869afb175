package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every row of the node's script_tests.json, run as the node's script_tests.cpp does: a crediting
 * transaction with the locking script, a spending transaction with the unlocking script, then
 * VerifyScript with the row's flags; the expected error must match exactly.
 */
public class ScriptTestsVectorTest {
  /**
   * Rows (0-based index in the file's top-level array) that cannot apply to this interpreter, with
   * the reason. Empty: every row runs and matches, including the pre-Genesis rows (the interpreter
   * implements both rule sets, chosen by UTXO_AFTER_GENESIS, as the node does).
   */
  static final Map<Integer, String> EXCLUDED = Map.of();

  @Test
  public void everyRowMatchesTheNode() {
    List<Object> rows = Vectors.load("script_tests.json");
    List<String> failures = new ArrayList<>();
    int run = 0;
    for (int idx = 0; idx < rows.size(); idx++) {
      List<Object> row = Vectors.castList(rows.get(idx));
      if (row.size() == 1) {
        continue;
      }
      int pos = 0;
      long amount = 0;
      if (row.get(0) instanceof List<?> amountList) {
        Object a = amountList.get(0);
        BigDecimal bsv = a instanceof BigDecimal d ? d : BigDecimal.valueOf((Long) a);
        amount = bsv.movePointRight(8).longValueExact();
        pos++;
      }
      int txVersion = Integer.parseInt((String) row.get(pos++));
      String sig = (String) row.get(pos++);
      String pub = (String) row.get(pos++);
      String flagNames = (String) row.get(pos++);
      String expected = (String) row.get(pos++);
      if (EXCLUDED.containsKey(idx)) {
        continue;
      }
      run++;
      ScriptResult result = run(sig, pub, flagNames, amount, txVersion);
      String actual = result.error() == ScriptError.OK ? "OK" : result.error().name();
      if (!actual.equals(expected)) {
        failures.add("row " + idx + " " + row + " -> " + result);
      }
    }
    assertThat(failures).as("failures").isEmpty();
    assertThat(run).isEqualTo(1483 - EXCLUDED.size());
  }

  static ScriptResult run(
      String sigText, String pubText, String flagNames, long amount, int txVersion) {
    byte[] scriptSig = ScriptNotation.parse(sigText);
    byte[] scriptPubKey = ScriptNotation.parse(pubText);
    int flags = ScriptFlags.parse(flagNames);
    if ((flags & ScriptFlags.CLEANSTACK) != 0) {
      flags |= ScriptFlags.P2SH;
    }
    Transaction credit =
        new Transaction(
            1,
            List.of(
                new TxInput(new byte[32], 0xFFFF_FFFFL, new byte[] {0, 0}, TxInput.SEQUENCE_FINAL)),
            List.of(new TxOutput(amount, scriptPubKey)),
            0);
    Transaction spend =
        new Transaction(
            txVersion,
            List.of(new TxInput(credit.txid(), 0, scriptSig, TxInput.SEQUENCE_FINAL)),
            List.of(new TxOutput(amount, new byte[0])),
            0);
    return Interpreter.verifyScript(scriptSig, scriptPubKey, flags, spend, 0, amount);
  }
}
