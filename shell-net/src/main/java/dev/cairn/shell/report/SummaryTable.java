package dev.cairn.shell.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A fixed-width text table of one snapshot: a row per node, ordered by moniker with numbers
 * compared as numbers ({@code node2} before {@code node10}), then a totals row.
 *
 * <pre>
 * moniker  id        seed  out/target  in  known  dials  failures
 * -------  --------  ----  ----------  --  -----  -----  --------
 * node0    3fa1c2d4  seed         0/0  12    140     31         2
 * ...
 * -------  --------  ----  ----------  --  -----  -----  --------
 * total    16 nodes     1       74/75  74   2011    320        25
 * </pre>
 */
public final class SummaryTable {

  /** Characters of the node ID shown; enough to tell testnet nodes apart. */
  static final int ID_PREFIX_LENGTH = 8;
  private static final String[] HEADER = {"moniker", "id", "seed", "out/target", "in", "known", "dials", "failures"};
  private static final boolean[] RIGHT_ALIGNED = {false, false, false, true, true, true, true, true};

  private SummaryTable() {}

  public static String of(Snapshot s) {
    List<String[]> body = new ArrayList<>();
    s.nodes().stream().sorted(Comparator.comparing(NodeStatus::moniker, SummaryTable::compareNatural)
        .thenComparing(NodeStatus::nodeId)).forEach(n -> body.add(row(n, s.linkedToAllBelowTarget(n))));
    String[] totals = totals(s);
    int[] widths = widths(body, totals);
    StringBuilder out = new StringBuilder();
    line(out, HEADER, widths);
    rule(out, widths);
    body.forEach(r -> line(out, r, widths));
    rule(out, widths);
    line(out, totals, widths);
    return out.toString();
  }

  /** {@code linkedToAll}: below target but linked to every other non-seed, marked {@code all} after its count. */
  private static String[] row(NodeStatus n, boolean linkedToAll) {
    String id = n.nodeId().length() <= ID_PREFIX_LENGTH ? n.nodeId() : n.nodeId().substring(0, ID_PREFIX_LENGTH);
    return new String[] {n.moniker(), id, n.seed() ? "seed" : "",
        (linkedToAll ? "all " : "") + n.outboundPeers().size() + "/" + n.outboundTarget(),
        Integer.toString(n.inboundPeers().size()), Integer.toString(n.knownAddresses()),
        Long.toString(n.dials()), Long.toString(n.dialFailures())};
  }

  /** Out/target sums the non-seeds' (a seed's crawl connections come and go, and it has no target to reach). */
  private static String[] totals(Snapshot s) {
    long out = s.nodes().stream().filter(n -> !n.seed()).mapToLong(n -> n.outboundPeers().size()).sum();
    long target = s.nodes().stream().filter(n -> !n.seed()).mapToLong(NodeStatus::outboundTarget).sum();
    long in = s.nodes().stream().mapToLong(n -> n.inboundPeers().size()).sum();
    long known = s.nodes().stream().mapToLong(NodeStatus::knownAddresses).sum();
    return new String[] {"total", s.nodes().size() + " nodes", Integer.toString(s.seedCount()), out + "/" + target,
        Long.toString(in), Long.toString(known), Long.toString(s.totalDials()), Long.toString(s.totalDialFailures())};
  }

  private static int[] widths(List<String[]> body, String[] totals) {
    int[] widths = new int[HEADER.length];
    List<String[]> all = new ArrayList<>(body);
    all.add(HEADER);
    all.add(totals);
    for (String[] r : all) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], r[c].length());
      }
    }
    return widths;
  }

  private static void line(StringBuilder out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(widths[c] - cells[c].length());
      line.append(c == 0 ? "" : "  ").append(RIGHT_ALIGNED[c] ? pad + cells[c] : cells[c] + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static void rule(StringBuilder out, int[] widths) {
    String[] dashes = new String[widths.length];
    for (int c = 0; c < widths.length; c++) {
      dashes[c] = "-".repeat(widths[c]);
    }
    line(out, dashes, widths);
  }

  /** Orders {@code node2} before {@code node10}: runs of digits compare by value. */
  static int compareNatural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int ei = digitsEnd(a, i);
        int ej = digitsEnd(b, j);
        String da = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
        String db = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
        int cmp = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
        if (cmp != 0) {
          return cmp;
        }
        i = ei;
        j = ej;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int digitsEnd(String s, int from) {
    int end = from;
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end;
  }
}
