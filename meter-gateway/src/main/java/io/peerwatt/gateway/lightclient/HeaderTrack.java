package io.peerwatt.gateway.lightclient;

import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.HeaderChain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own block-header chain: 80 bytes a block from the configured checkpoint on, kept in
 * {@code headers.dat}. A header is taken only when it follows its predecessor and meets the target
 * its bits encode, and the first one must be the checkpoint, so neither the platform nor a second
 * source is trusted blindly. A source that answers a different branch within the last {@link
 * #REORG_DEPTH} blocks replaces ours only when its branch is longer (all blocks of one network's
 * test chains carry the same target, so longer is more work).
 */
final class HeaderTrack {
  private static final Logger log = LoggerFactory.getLogger(HeaderTrack.class);

  /** How far back a reorganisation may reach. */
  static final int REORG_DEPTH = 6;

  /** A header the source offered that the chain cannot take. */
  static final class BadHeaders extends Exception {
    private static final long serialVersionUID = 1L;

    BadHeaders(String message) {
      super(message);
    }
  }

  private final Path file;
  private final long checkpointHeight;
  private final String checkpointHash;
  private final List<BlockHeader> headers = new ArrayList<>();
  private HeaderChain chain;

  private HeaderTrack(Path file, long checkpointHeight, String checkpointHash) {
    this.file = file;
    this.checkpointHeight = checkpointHeight;
    this.checkpointHash = checkpointHash;
  }

  /** Loads the stored headers; a stored chain that no longer checks out is started afresh. */
  static HeaderTrack open(Path file, long checkpointHeight, String checkpointHash)
      throws IOException {
    HeaderTrack track = new HeaderTrack(file, checkpointHeight, checkpointHash);
    if (Files.exists(file)) {
      byte[] bytes = Files.readAllBytes(file);
      List<BlockHeader> stored = new ArrayList<>();
      for (int at = 0; at + BlockHeader.LENGTH <= bytes.length; at += BlockHeader.LENGTH) {
        byte[] one = new byte[BlockHeader.LENGTH];
        System.arraycopy(bytes, at, one, 0, BlockHeader.LENGTH);
        stored.add(BlockHeader.parse(one));
      }
      Flaw flaw = track.flaw(stored, 0, null);
      if (flaw == null) {
        track.headers.addAll(stored);
      } else {
        log.warn("{} does not check out ({}); fetching the headers again", file, flaw.problem());
        Files.delete(file);
      }
    }
    return track;
  }

  /** Height of the newest header, or the checkpoint's height - 1 while there is none. */
  long tipHeight() {
    return checkpointHeight + headers.size() - 1;
  }

  /** Where the next fetch starts: a few blocks back, so a reorganisation is seen. */
  long fetchFrom() {
    return Math.max(checkpointHeight, tipHeight() - REORG_DEPTH + 1);
  }

  /** The chain for proof checking, or null before the first header. */
  HeaderChain chain() {
    if (chain == null && !headers.isEmpty()) {
      chain = new HeaderChain(checkpointHeight, headers);
    }
    return chain;
  }

  /**
   * Takes the consecutive {@code offered} headers starting at {@code fromHeight}.
   *
   * @return how many headers the chain gained or replaced
   * @throws BadHeaders when a header breaks the chain, lacks proof of work or the checkpoint is not
   *     where it should be
   */
  int accept(long fromHeight, List<BlockHeader> offered) throws BadHeaders, IOException {
    if (offered.isEmpty()) {
      return 0;
    }
    if (fromHeight < checkpointHeight || fromHeight > tipHeight() + 1) {
      throw new BadHeaders(
          "headers from height " + fromHeight + " do not meet the chain at " + tipHeight());
    }
    int keep = (int) (fromHeight - checkpointHeight);
    int skip = 0;
    while (skip < offered.size()
        && keep + skip < headers.size()
        && headers.get(keep + skip).equals(offered.get(skip))) {
      skip++;
    }
    List<BlockHeader> rest = offered.subList(skip, offered.size());
    int forkAt = keep + skip;
    Flaw flaw =
        rest.isEmpty() ? null : flaw(rest, forkAt, forkAt == 0 ? null : headers.get(forkAt - 1));
    if (flaw != null) {
      rest = rest.subList(0, flaw.index());
    }
    int taken = take(forkAt, rest);
    if (flaw != null) {
      throw new BadHeaders(flaw.problem());
    }
    return taken;
  }

  /** Puts the sound run {@code rest} at index {@code forkAt}, replacing a shorter branch. */
  private int take(int forkAt, List<BlockHeader> rest) throws IOException {
    if (rest.isEmpty()) {
      return 0;
    }
    boolean replaces = forkAt < headers.size();
    if (replaces && forkAt + rest.size() <= headers.size()) {
      log.info(
          "the header source answers another branch from height {} that is not longer; ours stays",
          checkpointHeight + forkAt);
      return 0;
    }
    if (replaces) {
      log.warn(
          "reorganisation: {} header(s) from height {} replaced",
          headers.size() - forkAt,
          checkpointHeight + forkAt);
      headers.subList(forkAt, headers.size()).clear();
      headers.addAll(rest);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, bytes(headers));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      headers.addAll(rest);
      Files.write(file, bytes(rest), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    chain = null;
    return rest.size();
  }

  /** The first unsound header of a run and what is wrong with it. */
  private record Flaw(int index, String problem) {}

  /** The first flaw of {@code run} placed at index {@code at} after {@code parent}, or null. */
  private Flaw flaw(List<BlockHeader> run, int at, BlockHeader parent) {
    BlockHeader previous = parent;
    for (int i = 0; i < run.size(); i++) {
      BlockHeader h = run.get(i);
      long height = checkpointHeight + at + i;
      if (at + i == 0 && !h.hashHex().equals(checkpointHash)) {
        return new Flaw(
            i,
            "the header at checkpoint height "
                + height
                + " is "
                + h.hashHex()
                + ", not the checkpoint "
                + checkpointHash);
      }
      if (!h.hasValidProofOfWork()) {
        return new Flaw(i, "the header at height " + height + " lacks proof of work");
      }
      if (previous != null && !h.follows(previous)) {
        return new Flaw(i, "the header at height " + height + " does not follow its parent");
      }
      previous = h;
    }
    return null;
  }

  private static byte[] bytes(List<BlockHeader> run) {
    ByteBuffer out = ByteBuffer.allocate(run.size() * BlockHeader.LENGTH);
    run.forEach(h -> out.put(h.serialize()));
    return out.array();
  }
}
