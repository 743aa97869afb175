package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.FormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The node's tx_valid.json and tx_invalid.json, run as its transaction_tests.cpp does: the
 * transaction must pass (valid) or fail (invalid) the context-free checks (CheckTransaction) plus
 * every input's scripts under the row's flags. Rows giving several flag sets run once per set.
 */
public class TxVectorsTest {
  static final long MAX_MONEY = 21_000_000L * 100_000_000L;

  /**
   * Rows (0-based index in tx_valid.json) excluded, with the reason. Empty: every row applies,
   * since the interpreter implements both the pre- and the post-Genesis rules the rows name.
   */
  public static final Map<Integer, String> EXCLUDED_VALID = Map.of();

  /** As {@link #EXCLUDED_VALID} for tx_invalid.json. */
  public static final Map<Integer, String> EXCLUDED_INVALID = Map.of();

  @Test
  void everyValidTransactionVerifies() {
    List<String> failures = new ArrayList<>();
    int runs =
        forEachRow(
            "tx_valid.json",
            EXCLUDED_VALID,
            (idx, outcome) -> {
              if (!outcome.isEmpty()) {
                failures.add("row " + idx + ": " + outcome);
              }
            });
    assertThat(failures).isEmpty();
    assertThat(runs).isEqualTo(178); // 93 rows, some with two flag sets
  }

  @Test
  void everyInvalidTransactionFails() {
    List<String> failures = new ArrayList<>();
    int runs =
        forEachRow(
            "tx_invalid.json",
            EXCLUDED_INVALID,
            (idx, outcome) -> {
              if (outcome.isEmpty()) {
                failures.add("row " + idx + " passed but must fail");
              }
            });
    assertThat(failures).isEmpty();
    assertThat(runs).isEqualTo(88); // 68 rows
  }

  public interface RowCheck {
    void accept(int rowIndex, String failure);
  }

  public static int forEachRow(String file, Map<Integer, String> excluded, RowCheck check) {
    List<Object> rows = Vectors.load(file);
    int runs = 0;
    for (int idx = 0; idx < rows.size(); idx++) {
      List<Object> row = Vectors.castList(rows.get(idx));
      if (!(row.get(0) instanceof List<?>) || excluded.containsKey(idx)) {
        continue;
      }
      Map<String, TxOutput> prevouts = new HashMap<>();
      for (Object p : Vectors.castList(row.get(0))) {
        List<Object> prev = Vectors.castList(p);
        String txid = (String) prev.get(0);
        long index = (Long) prev.get(1);
        byte[] script = ScriptNotation.parse((String) prev.get(2));
        long amount = prev.size() > 3 ? (Long) prev.get(3) : 0;
        prevouts.put(txid + ":" + (index & 0xFFFF_FFFFL), new TxOutput(amount, script));
      }
      List<String> flagSets = new ArrayList<>();
      if (row.get(2) instanceof List<?> list) {
        for (Object f : list) {
          flagSets.add((String) f);
        }
      } else {
        flagSets.add((String) row.get(2));
      }
      for (String flagNames : flagSets) {
        runs++;
        check.accept(idx, outcome((String) row.get(1), prevouts, ScriptFlags.parse(flagNames)));
      }
    }
    return runs;
  }

  /** Empty when the transaction is valid, else why not. */
  static String outcome(String hex, Map<String, TxOutput> prevouts, int flags) {
    Transaction tx;
    try {
      tx = Transaction.parseHex(hex);
    } catch (FormatException e) {
      return "unparseable: " + e.getMessage();
    }
    String structural = checkRegularTransaction(tx);
    if (structural != null) {
      return structural;
    }
    Sighash cache = Sighash.of(tx);
    for (int i = 0; i < tx.inputs().size(); i++) {
      TxInput in = tx.inputs().get(i);
      TxOutput spent = prevouts.get(in.prevTxidHex() + ":" + in.prevIndex());
      if (spent == null) {
        return "input " + i + " spends an unknown output";
      }
      ScriptResult r = Interpreter.verifyInput(tx, i, spent, flags, cache);
      if (!r.ok()) {
        return "input " + i + ": " + r;
      }
    }
    return "";
  }

  /** The node's context-free CheckTransaction checks (coinbase script 2..100 bytes). */
  static String checkRegularTransaction(Transaction tx) {
    if (tx.inputs().isEmpty()) {
      return "bad-txns-vin-empty";
    }
    if (tx.outputs().isEmpty()) {
      return "bad-txns-vout-empty";
    }
    long total = 0;
    for (TxOutput o : tx.outputs()) {
      if (o.satoshis() < 0) {
        return "bad-txns-vout-negative";
      }
      if (o.satoshis() > MAX_MONEY) {
        return "bad-txns-vout-toolarge";
      }
      total += o.satoshis();
      if (total > MAX_MONEY) {
        return "bad-txns-txouttotal-toolarge";
      }
    }
    if (tx.isCoinbase()) {
      int size = tx.inputs().get(0).unlockingScript().length;
      return size < 2 || size > 100 ? "bad-cb-length" : null;
    }
    Set<String> seen = new HashSet<>();
    for (TxInput in : tx.inputs()) {
      if (!seen.add(in.prevTxidHex() + ":" + in.prevIndex())) {
        return "bad-txns-inputs-duplicate";
      }
      if (in.prevIndex() == 0xFFFF_FFFFL && Arrays.equals(in.prevTxid(), new byte[32])) {
        return "bad-txns-prevout-null";
      }
    }
    return null;
  }
}
