package io.peerwatt.deploy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.ScriptError;
import io.peerwatt.protocol.bsv.ScriptResult;
import io.peerwatt.protocol.bsv.Sighash;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.bsv.TxSigner;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.spv.Beef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.util.encoders.Hex;

/**
 * The logic behind {@code peerwatt tx}: decode a transaction to JSON, compute a sighash or its
 * preimage, and verify a transaction delivered in BEEF. Pure functions over bytes; reading files
 * and printing are the command line's job. Bad input is a {@link FormatException} whose message is
 * meant for the operator.
 */
public final class TxTool {
  private TxTool() {}

  /** {@code peerwatt tx decode}: the transaction as pretty JSON. */
  public static String decodeJson(byte[] rawTx) {
    return Json.writePretty(decode(Transaction.parse(rawTx)));
  }

  /**
   * The JSON view of a transaction: txid, version, size, lockTime, inputs (spent outpoint,
   * unlocking script as ASM and hex, sequence) and outputs (satoshis, locking script as ASM and
   * hex, template type).
   */
  public static Map<String, Object> decode(Transaction tx) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("txid", tx.txidHex());
    out.put("version", (long) tx.version());
    out.put("size", (long) tx.size());
    out.put("lockTime", tx.lockTime());
    List<Object> inputs = new ArrayList<>();
    boolean coinbase = tx.isCoinbase();
    for (int i = 0; i < tx.inputs().size(); i++) {
      TxInput in = tx.inputs().get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", (long) i);
      m.put("prevTxid", in.prevTxidHex());
      m.put("prevIndex", in.prevIndex());
      Script script = Script.of(in.unlockingScript());
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("asm", coinbase ? "" : script.toAsmDecodingSighash());
      s.put("hex", script.toHex());
      m.put(coinbase ? "coinbase" : "unlockingScript", s);
      m.put("sequence", in.sequence());
      inputs.add(m);
    }
    out.put("inputs", inputs);
    List<Object> outputs = new ArrayList<>();
    for (int i = 0; i < tx.outputs().size(); i++) {
      TxOutput o = tx.outputs().get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", (long) i);
      m.put("satoshis", o.satoshis());
      Script script = Script.of(o.lockingScript());
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("asm", script.toAsm());
      s.put("hex", script.toHex());
      s.put("type", templateName(script));
      m.put("lockingScript", s);
      outputs.add(m);
    }
    out.put("outputs", outputs);
    return out;
  }

  /** "p2pkh", "multisig", "data" (OP_FALSE OP_RETURN), or "nonstandard". */
  static String templateName(Script script) {
    if (script.p2pkhHash() != null) {
      return "p2pkh";
    }
    if (script.isOpReturnData()) {
      return "data";
    }
    try {
      TxSigner.parseMultisig(script.bytes(), new ArrayList<>());
      return "multisig";
    } catch (IllegalArgumentException e) {
      return "nonstandard";
    }
  }

  /**
   * {@code peerwatt tx sighash}: the digest ECDSA signs for input {@code inputIndex} (natural byte
   * order, hex), or with {@code preimage} the bytes that are double-SHA-256'd into it.
   *
   * @param hashType the full 32-bit type as the node takes it (e.g. 65 for ALL|FORKID)
   */
  public static String sighash(
      Transaction tx,
      int inputIndex,
      byte[] scriptCode,
      long amountSats,
      int hashType,
      boolean preimage) {
    if (inputIndex < 0 || inputIndex >= tx.inputs().size()) {
      throw new FormatException(
          "input "
              + inputIndex
              + " does not exist: the transaction has "
              + tx.inputs().size()
              + " input(s)");
    }
    Sighash sighash = Sighash.of(tx);
    if (!preimage) {
      return Hex.toHexString(sighash.digest(inputIndex, scriptCode, amountSats, hashType));
    }
    Optional<byte[]> bytes = sighash.preimage(inputIndex, scriptCode, amountSats, hashType);
    return bytes
        .map(Hex::toHexString)
        .orElseThrow(
            () ->
                new FormatException(
                    "no preimage: with SIGHASH_SINGLE and no output "
                        + inputIndex
                        + " the original algorithm's digest is the"
                        + " constant 1 (0100..00)"));
  }

  /** The verdict for one input of a verified transaction. */
  public record InputVerdict(int index, String spentOutpoint, ScriptResult result) {
    /** One line for the operator: {@code input 0 (txid:vout): OK} or the error and where. */
    public String line() {
      return "input " + index + " (" + spentOutpoint + "): " + result;
    }
  }

  /**
   * The outcome of {@code peerwatt tx verify}: the subject transaction and one verdict per input.
   */
  public record VerifyReport(String txid, List<InputVerdict> inputs) {
    public VerifyReport {
      inputs = List.copyOf(inputs);
    }

    public boolean allValid() {
      return !inputs.isEmpty() && inputs.stream().allMatch(v -> v.result().ok());
    }
  }

  /**
   * Runs every input of {@code subject} through the interpreter against the outputs it spends,
   * looked up by outpoint in {@code spentOutputs} ("txid:vout" with the displayed txid); an input
   * whose output is missing gets {@link ScriptError#UNKNOWN_ERROR} with a message saying so.
   *
   * @param flags {@link ScriptFlags} to verify under
   */
  public static VerifyReport verify(
      Transaction subject, Map<String, TxOutput> spentOutputs, int flags) {
    Sighash cache = Sighash.of(subject);
    List<InputVerdict> verdicts = new ArrayList<>();
    for (int i = 0; i < subject.inputs().size(); i++) {
      TxInput in = subject.inputs().get(i);
      String outpoint = in.prevTxidHex() + ":" + in.prevIndex();
      TxOutput spent = spentOutputs.get(outpoint);
      ScriptResult result =
          spent == null
              ? new ScriptResult(ScriptError.UNKNOWN_ERROR, "the spent output is not in the BEEF")
              : Interpreter.verifyInput(subject, i, spent, flags, cache);
      verdicts.add(new InputVerdict(i, outpoint, result));
    }
    return new VerifyReport(subject.txidHex(), verdicts);
  }

  /**
   * {@code peerwatt tx verify}: decodes a BEEF (V1, V2 or Atomic) and runs every input of its
   * subject transaction (the Atomic subject, else the last transaction) against the outputs it
   * spends, which must be in the BEEF.
   */
  public static VerifyReport verifyBeef(byte[] beefBytes, int flags) {
    Beef beef = Beef.decode(beefBytes);
    Beef.Tx subject = beef.subject();
    if (subject == null || subject.isTxidOnly()) {
      throw new FormatException(
          "the BEEF's subject transaction is given by txid only, so there is nothing to verify");
    }
    List<Transaction> full = new ArrayList<>();
    for (Beef.Tx tx : beef.transactions()) {
      if (!tx.isTxidOnly()) {
        full.add(tx.transaction());
      }
    }
    return verify(subject.transaction(), outputsByOutpoint(full), flags);
  }

  /** The outputs of {@code txs} by outpoint ("txid:vout", displayed txid). */
  public static Map<String, TxOutput> outputsByOutpoint(List<Transaction> txs) {
    Map<String, TxOutput> map = new LinkedHashMap<>();
    for (Transaction tx : txs) {
      String id = tx.txidHex();
      for (int i = 0; i < tx.outputs().size(); i++) {
        map.put(id + ":" + i, tx.outputs().get(i));
      }
    }
    return map;
  }
}
