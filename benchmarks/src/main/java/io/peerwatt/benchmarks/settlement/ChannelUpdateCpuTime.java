package io.peerwatt.benchmarks.settlement;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The CPU cost of a channel update without persistence, by the thread's CPU time rather than wall
 * time (so time spent descheduled on a shared machine does not count): per round, the payer signs
 * {@code updates} commitments ({@link PayerChannel#payIncrement}), then the payee checks them
 * ({@link PayeeChannel#receive}). Prints the median over the second half of the rounds of payments
 * signed, commitments checked and whole updates per CPU-second. Only public channel API is used, so
 * the same class runs against older builds. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.settlement.ChannelUpdateCpuTime [rounds, default 40] [updates per round,
 * default 1000]}.
 */
public final class ChannelUpdateCpuTime {
  private ChannelUpdateCpuTime() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int updates = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    PrivateKey payerKey = key("cpu payer");
    PrivateKey payeeKey = key("cpu payee");
    ChannelTerms terms =
        new ChannelTerms(
            "cpu-" + System.nanoTime(),
            ChannelDirection.HUB_TO_SELLER,
            "cpu",
            payerKey.publicKey(),
            payeeKey.publicKey(),
            Script.p2pkh(payerKey.publicKey().hash160()).bytes(),
            Script.p2pkh(payeeKey.publicKey().hash160()).bytes(),
            2_000_000_000_000L,
            200,
            1,
            900_000,
            Hashes.sha256d("cpu funding".getBytes(StandardCharsets.US_ASCII)),
            0);
    PayeeChannel.RefundSignature refund =
        PayeeChannel.accept(terms).signRefund(terms.refundTransaction(), payeeKey).orThrow();
    PayeeChannel payee = refund.channel();
    PayerChannel payer =
        PayerChannel.propose(terms, Long.MAX_VALUE)
            .acceptRefundSignature(refund.signature())
            .orThrow();
    long[] signNanos = new long[rounds];
    long[] checkNanos = new long[rounds];
    CommitmentUpdate[] sent = new CommitmentUpdate[updates];
    for (int r = 0; r < rounds; r++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < updates; i++) {
        PayerChannel.Payment payment = payer.payIncrement(1, payerKey).orThrow();
        payer = payment.channel();
        sent[i] = payment.update();
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < updates; i++) {
        payee = payee.receive(sent[i]).orThrow();
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      signNanos[r] = t1 - t0;
      checkNanos[r] = t2 - t1;
    }
    long[] sign = Arrays.copyOfRange(signNanos, rounds / 2, rounds);
    long[] check = Arrays.copyOfRange(checkNanos, rounds / 2, rounds);
    long[] both = new long[sign.length];
    for (int i = 0; i < both.length; i++) {
      both[i] = sign[i] + check[i];
    }
    System.out.printf(
        "per CPU-second (median of the last %d rounds of %d): payments signed %.0f,"
            + " commitments checked %.0f, updates %.0f (payee at %d sat)%n",
        sign.length,
        updates,
        updates * 1e9 / median(sign),
        updates * 1e9 / median(check),
        updates * 1e9 / median(both),
        payee.payeeAmountSats());
  }

  private static PrivateKey key(String seed) {
    return PrivateKey.fromBytes(Hashes.sha256(seed.getBytes(StandardCharsets.US_ASCII)));
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1
        ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
  }
}
