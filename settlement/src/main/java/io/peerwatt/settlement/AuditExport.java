package io.peerwatt.settlement;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.spv.Beef;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.wallet.LoggedTransaction;
import io.peerwatt.settlement.wallet.TransactionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The audit export: every transaction the platform made, for independent checking.
 *
 * <ul>
 *   <li>JSON: {@code {"transactions":[{"txid":"..","rawTx":"hex","inputs":[{"satoshis":N,
 *       "lockingScript":"hex"}]}]}}, one {@code inputs} entry per input in order (the output it
 *       spends), in the order the platform recorded them.
 *   <li>BEEF (BRC-62 V1, protocol's encoder): the same transactions plus the ones that paid the
 *       platform (their parents), parents first, each mined one with its BUMP from the chain
 *       backend (BUMPs of one block merged).
 * </ul>
 *
 * Used by {@code peerwatt chain export} and the operator endpoint (mount {@link #json()} / {@link
 * #beef()}).
 */
public final class AuditExport {
  private final TransactionLog log;
  private final ChainBackend chain;

  public AuditExport(TransactionLog log, ChainBackend chain) {
    this.log = log;
    this.chain = chain;
  }

  /** The JSON document of every made transaction. */
  public String json() {
    HexFormat hex = HexFormat.of();
    List<Object> txs = new ArrayList<>();
    for (LoggedTransaction t : log.all()) {
      if (!t.made()) {
        continue;
      }
      List<Object> inputs = new ArrayList<>();
      for (TxOutput spent : t.spentOutputs()) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("satoshis", spent.satoshis());
        in.put("lockingScript", hex.formatHex(spent.lockingScript()));
        inputs.add(in);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("txid", t.transaction().txidHex());
      entry.put("rawTx", t.transaction().toHex());
      entry.put("inputs", inputs);
      txs.add(entry);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("transactions", txs);
    return Json.writePretty(doc);
  }

  /** The BEEF of every logged transaction, with BUMPs for the mined ones. */
  public Beef beef() {
    List<Transaction> ordered =
        parentsFirst(log.all().stream().map(LoggedTransaction::transaction).toList());
    Map<Long, Bump> bumpByHeight = new TreeMap<>();
    Map<String, Long> heightOf = new HashMap<>();
    for (Transaction tx : ordered) {
      TxStatus status = chain.status(tx.txidHex());
      if (status.state() == TxStatus.State.MINED) {
        bumpByHeight.merge(status.blockHeight(), status.bump(), Bump::merge);
        heightOf.put(tx.txidHex(), status.blockHeight());
      }
    }
    List<Long> heights = new ArrayList<>(bumpByHeight.keySet());
    List<Beef.Tx> entries = new ArrayList<>();
    for (Transaction tx : ordered) {
      Long height = heightOf.get(tx.txidHex());
      entries.add(new Beef.Tx(tx, tx.txid(), height == null ? null : heights.indexOf(height)));
    }
    return Beef.v1(new ArrayList<>(bumpByHeight.values()), entries);
  }

  /** Writes {@link #json()} to {@code file}. */
  public void writeJson(Path file) throws IOException {
    Files.writeString(file, json(), StandardCharsets.UTF_8);
  }

  /**
   * Writes {@link #beef()} (binary) to {@code file}; returns the number of transactions written.
   */
  public int writeBeef(Path file) throws IOException {
    Beef beef = beef();
    Files.write(file, beef.encode());
    return beef.transactions().size();
  }

  /**
   * Orders transactions so every parent in the list comes before its children, otherwise keeping
   * the given order.
   */
  static List<Transaction> parentsFirst(List<Transaction> txs) {
    Map<String, Transaction> byId = new LinkedHashMap<>();
    for (Transaction t : txs) {
      byId.putIfAbsent(t.txidHex(), t);
    }
    List<Transaction> out = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (Transaction t : byId.values()) {
      place(t, byId, placed, out, new HashSet<>());
    }
    return out;
  }

  private static void place(
      Transaction t,
      Map<String, Transaction> byId,
      Set<String> placed,
      List<Transaction> out,
      Set<String> visiting) {
    String id = t.txidHex();
    if (placed.contains(id) || !visiting.add(id)) {
      return;
    }
    for (TxInput in : t.inputs()) {
      Transaction parent = byId.get(in.prevTxidHex());
      if (parent != null) {
        place(parent, byId, placed, out, visiting);
      }
    }
    placed.add(id);
    out.add(t);
  }
}
