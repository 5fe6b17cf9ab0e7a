package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The numeric path for IPv4 /16 groups ({@link IpClass#v4Group},
 * {@link Placement#newBucketSlotV4}) gives the group string and the placement of the string path
 * ({@link IpClass#groupKey}, {@link Placement#newBucketSlot}), for IPv4 and for every form of IPv6
 * that carries an IPv4 address, and is not taken for other IPv6 addresses.
 */
class PlacementProperties {

  /** Prefix (as an IP literal) and its length in bits of each form; the rest of the bytes is random. */
  private static final String[] NETS = {"::ffff:0:0", "::ffff:0:0:0", "64:ff9b::", "2002::",
      "2001::", "fd87:d87e:eb43::", "2001:470::", "2600::", "::"};
  private static final int[] BITS = {96, 96, 96, 16, 32, 48, 32, 8, 0};

  @Provide
  Arbitrary<byte[]> ips() {
    return Arbitraries.integers().between(0, NETS.length - 1).flatMap(k ->
        Arbitraries.bytes().array(byte[].class).ofSize(16).map(random -> {
          byte[] b = IpClass.parse(NETS[k]);
          for (int i = BITS[k] / 8; i < 16; i++) {
            b[i] = random[i];
          }
          return b;
        }));
  }

  @Property(tries = 2000)
  void v4PathMatchesStringPath(@ForAll("ips") byte[] ip, @ForAll("ips") byte[] src) {
    int v4 = IpClass.v4Group(ip);
    String group = IpClass.groupKey(ip, false);
    String srcGroup = IpClass.groupKey(src, false);
    if (v4 < 0) {
      assertThat(group).doesNotEndWith(".0.0");
      return;
    }
    assertThat(group).isEqualTo((v4 >>> 8) + "." + (v4 & 0xff) + ".0.0");
    Placement.Hasher h = new Placement.Hasher(KEY);
    int viaString = Placement.newBucketSlot(BookConfig.defaults(Fixtures.id(1)), h, group, srcGroup);
    int viaNumber = Placement.newBucketSlotV4(BookConfig.defaults(Fixtures.id(1)), h, v4, srcGroup);
    assertThat(viaNumber).isEqualTo(viaString);
    assertThat(h.hashV4(v4, srcGroup)).isEqualTo(h.hash(group, srcGroup, -1));
  }

  /**
   * One source group spreads the address groups it sends over its {@code newBucketsPerGroup}
   * slots, each a new bucket of its own: addresses of 2 000 /16 groups from one source fill every
   * slot (a slot is missed with a chance below 10^-26), and land in exactly the buckets of those
   * slots, which are about as many as the slots (a few share a bucket of the 256). A placement that
   * lost the slot would put every address of a source in one bucket, and let one source reach
   * the whole table if it lost the source.
   */
  @net.jqwik.api.Example
  void aSourceGroupReachesItsNewBucketsPerGroupBucketsAndNoOthers() {
    BookConfig cfg = BookConfig.defaults(Fixtures.id(1));
    Placement.Hasher h = new Placement.Hasher(KEY);
    for (String src : new String[] {"1.2.0.0", "200.10.0.0", "2001:db8::"}) {
      java.util.Set<Integer> slots = new java.util.TreeSet<>();
      java.util.Set<Integer> buckets = new java.util.TreeSet<>();
      for (int g = 0; g < 2000; g++) {
        String group = (g / 250 + 11) + "." + (g % 250) + ".0.0";
        int slot = Placement.newBucketSlot(cfg, h, group, src);
        slots.add(slot);
        buckets.add(Placement.newBucket(cfg, KEY, group, src));
      }
      java.util.Set<Integer> ofSlots = new java.util.TreeSet<>();
      for (int slot = 0; slot < cfg.newBucketsPerGroup(); slot++) {
        ofSlots.add(Placement.newBucket(cfg, h, src, slot));
      }
      assertThat(slots).as("slots of %s", src).hasSize(cfg.newBucketsPerGroup());
      assertThat(buckets).as("buckets of %s", src).isEqualTo(ofSlots)
          .hasSizeGreaterThan(cfg.newBucketsPerGroup() * 3 / 4);
    }
  }

  /**
   * The addresses of one /16 group spread over its {@code oldBucketsPerGroup} old buckets and no
   * more, and two groups reach different ones.
   */
  @net.jqwik.api.Example
  void anAddressGroupReachesItsOldBucketsPerGroupBuckets() {
    BookConfig cfg = BookConfig.defaults(Fixtures.id(1));
    java.util.Map<String, java.util.Set<Integer>> byGroup = new java.util.TreeMap<>();
    for (String group : new String[] {"23.45", "99.1"}) {
      java.util.Set<Integer> buckets = new java.util.TreeSet<>();
      for (int i = 0; i < 500; i++) {
        dev.cairn.core.NodeAddress a = new dev.cairn.core.NodeAddress(Fixtures.id(i + 2),
            group + "." + (i / 200) + "." + (i % 200 + 1), 26656);
        buckets.add(Placement.oldBucket(cfg, KEY, a));
      }
      assertThat(buckets).as("old buckets of %s.0.0", group).hasSizeBetween(2, cfg.oldBucketsPerGroup());
      byGroup.put(group, buckets);
    }
    assertThat(byGroup.get("23.45")).isNotEqualTo(byGroup.get("99.1"));
  }
}
