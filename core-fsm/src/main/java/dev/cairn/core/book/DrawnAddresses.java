package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The addresses a selection drew, in draw order: an immutable list. An entry drawn by its home
 * slot is kept as that slot and read from the book's tables (immutable values) when the list is
 * first read, so a step that answers a PexRequest decides which entries it sends, and whoever
 * reads the answer (the shell encoding it, a trace's effects digest) reads them. The list is the
 * same whichever thread reads it first, and any number may read it at once.
 */
public final class DrawnAddresses extends AbstractList<NodeAddress> implements RandomAccess {

  private static final DrawnAddresses EMPTY =
      new DrawnAddresses(BucketTable.EMPTY, BucketTable.EMPTY, new NodeAddress[0], new int[0], 0);

  /** A code's table: the old one when this bit is set, else the new one. */
  private static final int OLD = 1 << 30;
  /** A code that names no slot: the address is in {@link #drawn}. */
  private static final int READ = -1;

  private final BucketTable newTable;
  private final BucketTable oldTable;
  /** The addresses known when drawn (null where {@link #codes} names a slot). */
  private final NodeAddress[] drawn;
  /** Per address, {@link #READ} or its table ({@link #OLD}) and its home slot in that table. */
  private final int[] codes;
  /**
   * Every address, once read. Set without a lock, as {@link BucketTable}'s prefix is: a thread
   * that sees it sees its array whole (a final field), and one that does not reads the slots
   * itself, to the same addresses.
   */
  private Read read;

  private record Read(NodeAddress[] addresses) {}

  private DrawnAddresses(BucketTable newTable, BucketTable oldTable, NodeAddress[] drawn, int[] codes, int slots) {
    this.newTable = newTable;
    this.oldTable = oldTable;
    this.drawn = drawn;
    this.codes = codes;
    if (slots == 0) {
      this.read = new Read(drawn);
    }
  }

  /** The empty list. */
  public static DrawnAddresses of() {
    return EMPTY;
  }

  /**
   * {@code addresses} as an immutable list: {@link List#copyOf}, except that a {@code
   * DrawnAddresses}, immutable already, is kept as it is (its slots stay unread until it is read).
   */
  public static List<NodeAddress> immutable(List<NodeAddress> addresses) {
    return addresses instanceof DrawnAddresses d ? d : List.copyOf(addresses);
  }

  @Override
  public int size() {
    return codes.length;
  }

  @Override
  public NodeAddress get(int index) {
    Objects.checkIndex(index, codes.length);
    return addresses()[index];
  }

  @Override
  public Object[] toArray() {
    NodeAddress[] a = addresses();
    return Arrays.copyOf(a, a.length, Object[].class);
  }

  private NodeAddress[] addresses() {
    Read r = read;
    if (r == null) {
      NodeAddress[] a = drawn.clone();
      for (int i = 0; i < a.length; i++) {
        if (codes[i] != READ) {
          a[i] = entryAt(newTable, oldTable, codes[i]).addr();
        }
      }
      r = new Read(a);
      read = r;
    }
    return r.addresses();
  }

  /** The entry of home slot {@code code} ({@link #OLD} bit and slot) of these tables. */
  private static KnownAddress entryAt(BucketTable newTable, BucketTable oldTable, int code) {
    BucketTable table = (code & OLD) != 0 ? oldTable : newTable;
    int slot = code & ~OLD;
    BucketTable.Prefix prefix = table.prefix();
    int b = prefix.bucketOf(slot);
    Bucket bucket = table.get(b);
    return bucket.get(bucket.homeSlot(slot - (b == 0 ? 0 : prefix.homeEnds()[b - 1])));
  }

  /**
   * The list a sampler fills: addresses it read, and home slots it did not need to read. Bounded
   * by the capacity it is given (a selection's size).
   */
  static final class Builder {
    private final BucketTable newTable;
    private final BucketTable oldTable;
    private final NodeAddress[] drawn;
    private final int[] codes;
    private int size;
    private int slots;

    Builder(BucketTable newTable, BucketTable oldTable, int capacity) {
      this.newTable = newTable;
      this.oldTable = oldTable;
      this.drawn = new NodeAddress[capacity];
      this.codes = new int[capacity];
    }

    int size() {
      return size;
    }

    void add(NodeAddress a) {
      drawn[size] = Objects.requireNonNull(a, "address");
      codes[size++] = READ;
    }

    /** Adds the entry of home slot {@code slot} of the old table if {@code old}, else of the new one. */
    void addHome(boolean old, int slot) {
      drawn[size] = null;
      codes[size++] = old ? slot | OLD : slot;
      slots++;
    }

    /** The IDs added so far (their slots read). */
    Set<NodeId> ids() {
      Set<NodeId> ids = new HashSet<>();
      for (int i = 0; i < size; i++) {
        ids.add(codes[i] == READ ? drawn[i].id() : entryAt(newTable, oldTable, codes[i]).id());
      }
      return ids;
    }

    /** The list; ends the builder (its arrays may become the list's). */
    DrawnAddresses build() {
      if (size == 0) {
        return EMPTY;
      }
      return size == codes.length
          ? new DrawnAddresses(newTable, oldTable, drawn, codes, slots)
          : new DrawnAddresses(newTable, oldTable, Arrays.copyOf(drawn, size), Arrays.copyOf(codes, size), slots);
    }
  }
}
