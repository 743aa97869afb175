package io.peerwatt.protocol.anchor;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.BundleVerification.Status;
import io.peerwatt.protocol.anchor.BundleVerification.Step;
import io.peerwatt.protocol.anchor.BundleVerification.StepResult;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.CertificateCheck;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.protocol.spv.HeaderChain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The light client: checks a {@link ProofBundle} offline, step by step, against what the verifier
 * trusts (the platform key and its own header chain), and names the step that fails. Never throws
 * on bad bundle contents; every problem becomes a failed step.
 */
public final class ProofBundleVerifier {
  private ProofBundleVerifier() {}

  /**
   * What the verifier trusts. Either may be null; the steps that need it are then reported as
   * {@link Status#NOT_CHECKED} and the bundle is not {@linkplain BundleVerification#verified()
   * verified}.
   *
   * @param platformKey the key that signs device certificates (and non-reading items)
   * @param headerChain headers from the verifier's own source
   */
  public record Trust(PublicKey platformKey, HeaderChain headerChain) {}

  /**
   * Verifies the binary form; a bundle that does not decode fails at {@link Step#BUNDLE_FORMAT}.
   */
  public static BundleVerification verify(byte[] bundleBytes, Trust trust) {
    ProofBundle bundle;
    try {
      bundle = ProofBundle.decode(bundleBytes);
    } catch (FormatException | IllegalArgumentException e) {
      return undecodable(e.getMessage());
    }
    return verify(bundle, trust);
  }

  /**
   * Verifies the JSON text form; a bundle that does not parse fails at {@link Step#BUNDLE_FORMAT}.
   */
  public static BundleVerification verifyJson(String json, Trust trust) {
    ProofBundle bundle;
    try {
      bundle = ProofBundle.fromJsonText(json);
    } catch (FormatException | IllegalArgumentException e) {
      return undecodable(e.getMessage());
    }
    return verify(bundle, trust);
  }

  private static BundleVerification undecodable(String why) {
    List<StepResult> steps = new ArrayList<>();
    steps.add(new StepResult(Step.BUNDLE_FORMAT, Status.FAIL, why));
    for (Step s : Step.values()) {
      if (s != Step.BUNDLE_FORMAT) {
        steps.add(new StepResult(s, Status.NOT_CHECKED, "the bundle does not decode"));
      }
    }
    return new BundleVerification(steps);
  }

  /** Runs every step on a decoded bundle. */
  public static BundleVerification verify(ProofBundle b, Trust trust) {
    List<StepResult> steps = new ArrayList<>();
    List<String> formatProblems = new ArrayList<>();

    MeterReading reading = null;
    if (b.kind() == AnchorItemKind.READING) {
      try {
        reading = ReadingCodec.decode(b.item());
      } catch (FormatException | IllegalArgumentException e) {
        formatProblems.add("reading: " + e.getMessage());
      }
    }
    SignedDeviceCertificate enrolled = null;
    if (b.kind() == AnchorItemKind.ENROLMENT) {
      try {
        enrolled = SignedDeviceCertificate.decode(b.item());
      } catch (FormatException | IllegalArgumentException e) {
        formatProblems.add("certificate: " + e.getMessage());
      }
    }
    byte[] rawTx = b.anchorTx();
    Transaction tx = null;
    try {
      tx = Transaction.parse(rawTx);
    } catch (FormatException | IllegalArgumentException e) {
      formatProblems.add("anchor tx: " + e.getMessage());
    }
    Bump bump = null;
    try {
      bump = Bump.decode(b.bump());
    } catch (FormatException | IllegalArgumentException e) {
      formatProblems.add("BUMP: " + e.getMessage());
    }
    List<BlockHeader> headers = new ArrayList<>();
    for (byte[] h : b.headers()) {
      headers.add(BlockHeader.parse(h));
    }
    steps.add(
        formatProblems.isEmpty()
            ? new StepResult(
                Step.BUNDLE_FORMAT, Status.PASS, b.kind().jsonName() + " bundle decodes")
            : new StepResult(Step.BUNDLE_FORMAT, Status.FAIL, String.join("; ", formatProblems)));

    steps.add(signatureStep(b, reading, trust));
    steps.add(
        b.kind() == AnchorItemKind.ENROLMENT
            ? enrolmentStep(enrolled, trust)
            : certificateStep(b, reading, trust));

    byte[] leaf = b.leafHash();
    byte[] root = b.proof().rootFrom(leaf);
    steps.add(
        root == null
            ? new StepResult(
                Step.LEAF_TO_ANCHOR_ROOT,
                Status.FAIL,
                "the path does not fit leaf "
                    + b.proof().index()
                    + " of a tree of "
                    + b.proof().treeSize())
            : new StepResult(
                Step.LEAF_TO_ANCHOR_ROOT,
                Status.PASS,
                "leaf "
                    + b.proof().index()
                    + " of "
                    + b.proof().treeSize()
                    + " reaches root "
                    + StrictHex.encode(root)));

    steps.add(anchorOutputStep(tx, root, b.proof().treeSize()));

    byte[] txid = Hashes.sha256d(rawTx);
    BlockHeader block = headers.get(0);
    if (bump == null) {
      steps.add(new StepResult(Step.TX_IN_BLOCK, Status.NOT_CHECKED, "the BUMP does not decode"));
    } else if (!bump.contains(txid)) {
      steps.add(
          new StepResult(
              Step.TX_IN_BLOCK,
              Status.FAIL,
              "the BUMP does not contain anchor txid " + BitcoinMerkle.toDisplayHex(txid)));
    } else if (bump.txids().size() != 1 || !Arrays.equals(bump.txids().get(0), txid)) {
      // BRC-74 flag 0x02 marks the txid a BUMP proves (BEEF readers count only flagged leaves as
      // proven): a bundle's BUMP is the anchor transaction's own, so it flags that txid and no
      // other
      steps.add(
          new StepResult(
              Step.TX_IN_BLOCK,
              Status.FAIL,
              "the BUMP flags "
                  + bump.txids().size()
                  + " txid(s) (BRC-74 flag 0x02) but must flag exactly the anchor txid "
                  + BitcoinMerkle.toDisplayHex(txid)));
    } else {
      byte[] merkleRoot = bump.computeRoot(txid);
      steps.add(
          Arrays.equals(merkleRoot, block.merkleRoot())
              ? new StepResult(
                  Step.TX_IN_BLOCK,
                  Status.PASS,
                  "txid "
                      + BitcoinMerkle.toDisplayHex(txid)
                      + " is in block "
                      + block.hashHex()
                      + " (Merkle root "
                      + BitcoinMerkle.toDisplayHex(merkleRoot)
                      + ")")
              : new StepResult(
                  Step.TX_IN_BLOCK,
                  Status.FAIL,
                  "the BUMP gives Merkle root "
                      + BitcoinMerkle.toDisplayHex(merkleRoot)
                      + " but the header has "
                      + BitcoinMerkle.toDisplayHex(block.merkleRoot())));
    }

    steps.add(proofOfWorkStep(headers));
    steps.add(headerChainStep(headers, bump, trust.headerChain()));
    return new BundleVerification(steps);
  }

  private static StepResult signatureStep(ProofBundle b, MeterReading reading, Trust trust) {
    byte[] sig = b.signature();
    if (b.kind() == AnchorItemKind.READING) {
      if (reading == null) {
        return new StepResult(
            Step.DEVICE_SIGNATURE, Status.NOT_CHECKED, "the reading does not decode");
      }
      if (sig == null) {
        return new StepResult(
            Step.DEVICE_SIGNATURE, Status.FAIL, "the bundle carries no device signature");
      }
      SignatureCheck check = reading.deviceKey().check(reading.hash(), sig);
      return check == SignatureCheck.VALID
          ? new StepResult(
              Step.DEVICE_SIGNATURE, Status.PASS, "signed by device " + reading.deviceKey().hex())
          : new StepResult(Step.DEVICE_SIGNATURE, Status.FAIL, "device signature: " + check);
    }
    if (sig == null) {
      return new StepResult(
          Step.DEVICE_SIGNATURE,
          Status.NOT_APPLICABLE,
          "a " + b.kind().jsonName() + " is carried without a signature");
    }
    if (trust.platformKey() == null) {
      return new StepResult(
          Step.DEVICE_SIGNATURE, Status.NOT_CHECKED, "no trusted platform key supplied");
    }
    SignatureCheck check = trust.platformKey().check(Hashes.sha256(b.item()), sig);
    return check == SignatureCheck.VALID
        ? new StepResult(Step.DEVICE_SIGNATURE, Status.PASS, "signed by the platform key")
        : new StepResult(Step.DEVICE_SIGNATURE, Status.FAIL, "platform signature: " + check);
  }

  private static StepResult certificateStep(ProofBundle b, MeterReading reading, Trust trust) {
    if (b.kind() != AnchorItemKind.READING) {
      return new StepResult(
          Step.CERTIFICATE,
          Status.NOT_APPLICABLE,
          "only readings and enrolments carry a device certificate");
    }
    SignedDeviceCertificate cert = b.certificate();
    if (cert == null) {
      return new StepResult(
          Step.CERTIFICATE, Status.FAIL, "the bundle carries no device certificate");
    }
    if (trust.platformKey() == null) {
      return new StepResult(
          Step.CERTIFICATE, Status.NOT_CHECKED, "no trusted platform key supplied");
    }
    if (reading == null) {
      return new StepResult(Step.CERTIFICATE, Status.NOT_CHECKED, "the reading does not decode");
    }
    CertificateCheck check = cert.checkCovers(trust.platformKey(), reading);
    DeviceCertificate c = cert.certificate();
    return check == CertificateCheck.VALID
        ? new StepResult(
            Step.CERTIFICATE,
            Status.PASS,
            "device certified for metering point "
                + c.meteringPointId()
                + ", account "
                + c.ownerAccountId()
                + ", zone "
                + c.zoneCode()
                + " (serial "
                + c.serial()
                + ")")
        : new StepResult(Step.CERTIFICATE, Status.FAIL, "certificate: " + check);
  }

  /**
   * An enrolment's item is itself the certificate: it must be issued and signed by the trusted
   * platform key.
   */
  private static StepResult enrolmentStep(SignedDeviceCertificate enrolled, Trust trust) {
    if (enrolled == null) {
      return new StepResult(
          Step.CERTIFICATE, Status.NOT_CHECKED, "the certificate does not decode");
    }
    if (trust.platformKey() == null) {
      return new StepResult(
          Step.CERTIFICATE, Status.NOT_CHECKED, "no trusted platform key supplied");
    }
    CertificateCheck check = enrolled.checkIssuer(trust.platformKey());
    DeviceCertificate c = enrolled.certificate();
    return check == CertificateCheck.VALID
        ? new StepResult(
            Step.CERTIFICATE,
            Status.PASS,
            "platform issued certificate serial "
                + c.serial()
                + " to device "
                + c.deviceKey().hex()
                + " for metering point "
                + c.meteringPointId()
                + ", account "
                + c.ownerAccountId()
                + ", zone "
                + c.zoneCode()
                + ", valid "
                + c.validFrom()
                + " to "
                + c.validTo())
        : new StepResult(Step.CERTIFICATE, Status.FAIL, "certificate: " + check);
  }

  private static StepResult anchorOutputStep(Transaction tx, byte[] root, long treeSize) {
    if (tx == null) {
      return new StepResult(
          Step.ROOT_IN_ANCHOR_TX, Status.NOT_CHECKED, "the anchor tx does not decode");
    }
    if (root == null) {
      return new StepResult(
          Step.ROOT_IN_ANCHOR_TX, Status.NOT_CHECKED, "no anchor root from the path");
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < tx.outputs().size(); i++) {
      byte[] script = tx.outputs().get(i).lockingScript();
      if (!AnchorPayload.isAnchorScript(script)) {
        continue;
      }
      AnchorPayload p = AnchorPayload.fromLockingScript(script);
      if (Arrays.equals(p.root(), root) && p.leafCount() == treeSize) {
        return new StepResult(
            Step.ROOT_IN_ANCHOR_TX,
            Status.PASS,
            "output "
                + i
                + " anchors slot "
                + p.slotInterval()
                + " with "
                + p.leafCount()
                + " leaves");
      }
      seen.add(
          "output "
              + i
              + " anchors root "
              + StrictHex.encode(p.root())
              + " with "
              + p.leafCount()
              + " leaves");
    }
    return new StepResult(
        Step.ROOT_IN_ANCHOR_TX,
        Status.FAIL,
        seen.isEmpty()
            ? "the anchor tx has no PeerWatt anchor output"
            : "no anchor output commits to root "
                + StrictHex.encode(root)
                + " with "
                + treeSize
                + " leaves ("
                + String.join("; ", seen)
                + ")");
  }

  private static StepResult proofOfWorkStep(List<BlockHeader> headers) {
    for (int i = 0; i < headers.size(); i++) {
      BlockHeader h = headers.get(i);
      if (!h.hasValidProofOfWork()) {
        return new StepResult(
            Step.PROOF_OF_WORK,
            Status.FAIL,
            "header "
                + i
                + " ("
                + h.hashHex()
                + ") does not meet its target (bits "
                + Long.toHexString(h.bits())
                + ")");
      }
      if (i > 0 && !h.follows(headers.get(i - 1))) {
        return new StepResult(
            Step.PROOF_OF_WORK, Status.FAIL, "header " + i + " does not follow header " + (i - 1));
      }
    }
    return new StepResult(
        Step.PROOF_OF_WORK, Status.PASS, headers.size() + " header(s) meet their targets");
  }

  private static StepResult headerChainStep(
      List<BlockHeader> headers, Bump bump, HeaderChain chain) {
    if (chain == null) {
      return new StepResult(Step.HEADER_CHAIN, Status.NOT_CHECKED, "no header chain supplied");
    }
    int broken = chain.firstBrokenLink();
    if (broken >= 0) {
      return new StepResult(
          Step.HEADER_CHAIN,
          Status.FAIL,
          "the supplied header chain is not sound at height " + (chain.startHeight() + broken));
    }
    long height = chain.heightOf(headers.get(0).hash());
    if (height < 0) {
      return new StepResult(
          Step.HEADER_CHAIN,
          Status.FAIL,
          "block " + headers.get(0).hashHex() + " is not in the supplied header chain");
    }
    if (bump != null && bump.blockHeight() != height) {
      return new StepResult(
          Step.HEADER_CHAIN,
          Status.FAIL,
          "block is at height "
              + height
              + " in the supplied chain but the BUMP says "
              + bump.blockHeight());
    }
    for (int i = 1; i < headers.size(); i++) {
      if (chain.heightOf(headers.get(i).hash()) != height + i) {
        return new StepResult(
            Step.HEADER_CHAIN,
            Status.FAIL,
            "bundled header " + i + " is not at height " + (height + i) + " of the supplied chain");
      }
    }
    long tip = chain.tipHeight();
    return new StepResult(
        Step.HEADER_CHAIN,
        Status.PASS,
        "block "
            + headers.get(0).hashHex()
            + " at height "
            + height
            + ", "
            + (tip - height + 1)
            + " confirmation(s) in the supplied chain");
  }
}
