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
}
