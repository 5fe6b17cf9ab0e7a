package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The old-bucket placement that writes the address's text and its IPv4 /16 group straight into
 * the hash input ({@link Placement#oldBucket(BookConfig, BookKey, NodeAddress)}) gives the
 * bucket of the string path (the address's {@code toString} and {@code AddressBook.groupOf}),
 * for IPv4, IPv6 forms carrying an IPv4 address, other IPv6, non-IP and non-ASCII hosts, in
 * strict and lax mode.
 */
class OldPlacementProperties {

  @Provide
  Arbitrary<String> hosts() {
    Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
    Arbitrary<Integer> word = Arbitraries.integers().between(0, 0xffff);
    Arbitrary<String> v4 = Combinators.combine(octet, octet, octet, octet)
        .as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
    Arbitrary<String> mapped = v4.map(s -> "::ffff:" + s);
    Arbitrary<String> v6 = Combinators.combine(
            Arbitraries.of("2002", "2001", "fd87", "2600", "64", "fe80", "fc00", "2001:470"),
            word, word, word)
        .as((p, a, b, c) -> p + ":" + Integer.toHexString(a) + ":" + Integer.toHexString(b) + "::"
            + Integer.toHexString(c));
    Arbitrary<String> other = Arbitraries.of("example.com", "h\u00e9te", "256.1.1.1", "::", "10.0.0.1",
        "127.0.0.1", "192.168.1.9", "::1");
    return Arbitraries.oneOf(v4, mapped, v6, other);
  }

  @Property(tries = 3000)
  void directPathMatchesStringPath(
      @ForAll("hosts") String host,
      @ForAll("ports") int port,
      @ForAll boolean strict,
      @ForAll("ids") long n) {
    BookConfig cfg = Fixtures.CFG.withStrict(strict);
    NodeAddress addr = new NodeAddress(Fixtures.id(n), host, port);
    int viaString = Placement.oldBucket(cfg, KEY, addr, AddressBook.groupOf(cfg, host));
    assertThat(Placement.oldBucket(cfg, KEY, addr)).isEqualTo(viaString);
    Placement.Hasher h = new Placement.Hasher(KEY);
    assertThat(h.hashAddress(addr)).isEqualTo(h.hash(addr.toString(), null, -1));
  }

  @Provide
  Arbitrary<Integer> ports() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 65535), Arbitraries.of(0, 9, 10, 99, 100, 65535));
  }

  @Provide
  Arbitrary<Long> ids() {
    return Arbitraries.longs().between(0, 1_000_000_000L);
  }
}
