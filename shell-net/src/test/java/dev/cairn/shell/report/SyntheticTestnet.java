package dev.cairn.shell.report;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A made-up testnet run for drawing: non-seed nodes dial random known nodes every half second
 * until they reach their outbound target, some dials fail, address books fill up through the
 * seeds. Not a model of CometBFT, only plausible input with a fixed seed.
 */
final class SyntheticTestnet {

  private SyntheticTestnet() {}

  static List<Snapshot> run(int nodeCount, int seedCount, int outboundTarget, int steps, long seed) {
    Random random = new Random(seed);
    List<String> ids = new ArrayList<>();
    TreeMap<String, String> monikers = new TreeMap<>();
    for (int i = 0; i < nodeCount; i++) {
      byte[] id = new byte[20];
      random.nextBytes(id);
      String hex = HexFormat.of().formatHex(id);
      ids.add(hex);
      monikers.put(hex, i < seedCount ? "seed" + i : "node" + (i - seedCount));
    }
    List<TreeSet<String>> out = new ArrayList<>();
    List<TreeSet<String>> in = new ArrayList<>();
    List<TreeSet<String>> known = new ArrayList<>();
    long[] dials = new long[nodeCount];
    long[] failures = new long[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      out.add(new TreeSet<>());
      in.add(new TreeSet<>());
      known.add(new TreeSet<>(ids.subList(0, seedCount)));
    }
    List<Snapshot> snapshots = new ArrayList<>();
    for (int step = 0; step <= steps; step++) {
      snapshots.add(snapshot(step * 500L, ids, monikers, seedCount, outboundTarget, out, in, known, dials, failures));
      for (int i = 0; i < seedCount; i++) { // seeds crawl: they keep two short-lived outbound connections
        if (out.get(i).size() < 2) {
          String target = ids.get(seedCount + random.nextInt(nodeCount - seedCount));
          dials[i]++;
          out.get(i).add(target);
          in.get(ids.indexOf(target)).add(ids.get(i));
        }
      }
      for (int i = seedCount; i < nodeCount; i++) {
        // learn a few addresses from a random connected peer or a seed
        for (int k = 0; k < 3; k++) {
          known.get(i).add(ids.get(random.nextInt(nodeCount)));
        }
        known.get(i).remove(ids.get(i));
        if (out.get(i).size() >= outboundTarget) {
          continue;
        }
        TreeSet<String> mine = out.get(i);
        TreeSet<String> theirs = in.get(i);
        List<String> candidates = known.get(i).stream()
            .filter(c -> !mine.contains(c) && !theirs.contains(c) && ids.indexOf(c) >= seedCount).toList();
        if (candidates.isEmpty()) {
          continue;
        }
        String target = candidates.get(random.nextInt(candidates.size()));
        dials[i]++;
        if (random.nextInt(10) < 2) {
          failures[i]++;
          continue;
        }
        out.get(i).add(target);
        in.get(ids.indexOf(target)).add(ids.get(i));
      }
    }
    return snapshots;
  }

  private static Snapshot snapshot(long millis, List<String> ids, TreeMap<String, String> monikers, int seedCount,
      int outboundTarget, List<TreeSet<String>> out, List<TreeSet<String>> in, List<TreeSet<String>> known,
      long[] dials, long[] failures) {
    List<NodeStatus> nodes = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      boolean seed = i < seedCount;
      nodes.add(new NodeStatus(ids.get(i), monikers.get(ids.get(i)), seed, seed ? 0 : outboundTarget,
          List.copyOf(out.get(i)), List.copyOf(in.get(i)), known.get(i).size(), dials[i], failures[i]));
    }
    return new Snapshot(millis, nodes);
  }
}
